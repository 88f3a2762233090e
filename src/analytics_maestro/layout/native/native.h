/* The layout's inner loops, compiled: one file per phase, as the Python modules they mirror
 * (`layering.c`, `simplex.c`, `ordering.c`, `coordinates.c`, `routing.c`), with the graph record they
 * share read from Python in `graph.c` and the module's table in `module.c`. Each does step for step
 * what its Python module does (same moves, ties, floating-point operations and work spent), so the
 * layout is byte-identical with or without this extension. The Python loops remain the reference
 * and the fallback where no C compiler was at hand; `layout/compiled.py` is the one place that
 * chooses, and tests hold the two together.
 *
 * Items are numbered 0..n-1; `up` and `down` give each item's neighbours in the layer before and
 * the layer after; `layers` lists the items of each layer in order. */

#ifndef ANALYTICS_MAESTRO_NATIVE_H
#define ANALYTICS_MAESTRO_NATIVE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

typedef struct {
    Py_ssize_t n;          /* items */
    Py_ssize_t count;      /* layers */
    Py_ssize_t *up_at;     /* CSR offsets into up_to, n + 1 of them */
    Py_ssize_t *up_to;
    Py_ssize_t *down_at;
    Py_ssize_t *down_to;
    Py_ssize_t *layer_at;  /* offsets into items, count + 1 of them */
    Py_ssize_t *items;     /* the layers, one after the other */
    Py_ssize_t *pos;       /* position of each item within its layer */
    Py_ssize_t *up_pos;    /* per item, sorted positions of its up neighbours (same offsets as up_to) */
    Py_ssize_t *down_pos;
    Py_ssize_t *tree;      /* Fenwick tree for crossing counts */
    Py_ssize_t *ends;      /* scratch: one item's neighbour positions */
    double *value;         /* scratch for a sort: each item's value */
    Py_ssize_t *order;     /* scratch for a sort: indices into the layer */
    Py_ssize_t *tie;       /* scratch for a sort: how ties are broken */
    char *has;             /* scratch for a sort: which items have a value */
    Py_ssize_t *placed;    /* scratch: a layer's items in their new order */
    Py_ssize_t *merge;     /* scratch for a sort: the other half of a merge */
    Py_ssize_t widest;     /* items in the widest layer */
    Py_ssize_t most;       /* most neighbours of one item on one side */
} Graph;

/* graph.c: reading what Python passes */
void graph_free(Graph *g);
Py_ssize_t *new_array(Py_ssize_t size);
PyObject *per_item(PyObject *seq, Py_ssize_t n, const char *what);
int graph_read(Graph *g, PyObject *layers, PyObject *up, PyObject *down);
PyObject *layers_list(const Py_ssize_t *layer_at, const Py_ssize_t *items, Py_ssize_t count);
int write_back(PyObject *layers, const Graph *g);
int read_flags(PyObject *seq, Py_ssize_t n, char *out, Py_ssize_t *numbers);
int read_numbers(PyObject *seq, Py_ssize_t count, long long *out, const char *what);

/* the functions of the module, one file per phase */
PyObject *py_sweeps(PyObject *self, PyObject *args);
PyObject *py_transpose(PyObject *self, PyObject *args);
PyObject *py_sift(PyObject *self, PyObject *args);
PyObject *py_total_crossings(PyObject *self, PyObject *args);
PyObject *py_rows(PyObject *self, PyObject *args);
PyObject *py_snap(PyObject *self, PyObject *arg);
PyObject *py_routes(PyObject *self, PyObject *args);
PyObject *py_simplex(PyObject *self, PyObject *args);
PyObject *py_greedy_columns(PyObject *self, PyObject *args);

#endif
