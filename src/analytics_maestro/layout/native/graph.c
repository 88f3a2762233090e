/* The graph record of the ordering and the rows, and what the phases read from Python. */

#include "native.h"

void graph_free(Graph *g) {
    PyMem_Free(g->up_at); PyMem_Free(g->up_to); PyMem_Free(g->down_at); PyMem_Free(g->down_to);
    PyMem_Free(g->layer_at); PyMem_Free(g->items); PyMem_Free(g->pos);
    PyMem_Free(g->up_pos); PyMem_Free(g->down_pos); PyMem_Free(g->tree); PyMem_Free(g->ends);
    PyMem_Free(g->value); PyMem_Free(g->order); PyMem_Free(g->tie); PyMem_Free(g->has); PyMem_Free(g->placed);
    PyMem_Free(g->merge);
}

Py_ssize_t *new_array(Py_ssize_t size) {
    return PyMem_Calloc(size > 0 ? (size_t)size : 1, sizeof(Py_ssize_t));
}

/* `seq` as a fast sequence of n entries, or NULL with an error naming `what`. */
PyObject *per_item(PyObject *seq, Py_ssize_t n, const char *what) {
    PyObject *fast = PySequence_Fast(seq, what);
    if (fast && PySequence_Fast_GET_SIZE(fast) != n) {
        PyErr_Format(PyExc_ValueError, "%s must have one entry per item", what);
        Py_CLEAR(fast);
    }
    return fast;
}

/* Reads a sequence of sequences of item numbers into CSR arrays. */
static int read_adjacency(PyObject *seq, Py_ssize_t n, Py_ssize_t **at_out, Py_ssize_t **to_out, Py_ssize_t *most) {
    PyObject *outer = per_item(seq, n, "up and down");
    if (!outer) return -1;
    Py_ssize_t *at = new_array(n + 1);
    Py_ssize_t total = 0, capacity = n + 1;
    Py_ssize_t *to = new_array(capacity);
    if (!at || !to) goto fail_memory;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *inner = PySequence_Fast(PySequence_Fast_GET_ITEM(outer, i), "neighbours must be sequences");
        if (!inner) goto fail;
        Py_ssize_t k = PySequence_Fast_GET_SIZE(inner);
        if (k > *most) *most = k;
        if (total + k > capacity) {
            while (total + k > capacity) capacity *= 2;
            Py_ssize_t *grown = PyMem_Realloc(to, (size_t)capacity * sizeof(Py_ssize_t));
            if (!grown) { Py_DECREF(inner); goto fail_memory; }
            to = grown;
        }
        for (Py_ssize_t j = 0; j < k; j++) {
            Py_ssize_t v = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(inner, j));
            if (v == -1 && PyErr_Occurred()) { Py_DECREF(inner); goto fail; }
            if (v < 0 || v >= n) {
                PyErr_SetString(PyExc_ValueError, "a neighbour is not an item");
                Py_DECREF(inner);
                goto fail;
            }
            to[total++] = v;
        }
        at[i + 1] = total;
        Py_DECREF(inner);
    }
    Py_DECREF(outer);
    *at_out = at;
    *to_out = to;
    return 0;
fail_memory:
    PyErr_NoMemory();
fail:
    Py_DECREF(outer);
    PyMem_Free(at);
    PyMem_Free(to);
    return -1;
}

static int read_layers(PyObject *layers, Graph *g) {
    PyObject *outer = PySequence_Fast(layers, "layers must be a sequence");
    if (!outer) return -1;
    g->count = PySequence_Fast_GET_SIZE(outer);
    g->layer_at = new_array(g->count + 1);
    g->items = new_array(g->n);
    g->pos = new_array(g->n);
    char *seen = PyMem_Calloc(g->n > 0 ? (size_t)g->n : 1, 1);
    if (!g->layer_at || !g->items || !g->pos || !seen) {
        PyErr_NoMemory();
        goto fail;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t k = 0; k < g->count; k++) {
        PyObject *layer = PySequence_Fast(PySequence_Fast_GET_ITEM(outer, k), "a layer must be a sequence");
        if (!layer) goto fail;
        Py_ssize_t size = PySequence_Fast_GET_SIZE(layer);
        if (size > g->widest) g->widest = size;
        for (Py_ssize_t i = 0; i < size; i++) {
            Py_ssize_t v = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(layer, i));
            if (v == -1 && PyErr_Occurred()) { Py_DECREF(layer); goto fail; }
            if (v < 0 || v >= g->n || seen[v] || total >= g->n) {
                PyErr_SetString(PyExc_ValueError, "the layers must hold every item once");
                Py_DECREF(layer);
                goto fail;
            }
            seen[v] = 1;
            g->pos[v] = i;
            g->items[total++] = v;
        }
        g->layer_at[k + 1] = total;
        Py_DECREF(layer);
    }
    if (total != g->n) {
        PyErr_SetString(PyExc_ValueError, "the layers must hold every item once");
        goto fail;
    }
    PyMem_Free(seen);
    Py_DECREF(outer);
    return 0;
fail:
    PyMem_Free(seen);
    Py_DECREF(outer);
    return -1;
}

int graph_read(Graph *g, PyObject *layers, PyObject *up, PyObject *down) {
    memset(g, 0, sizeof(Graph));
    g->n = PySequence_Size(up);
    if (g->n < 0) return -1;
    if (read_adjacency(up, g->n, &g->up_at, &g->up_to, &g->most) < 0) return -1;
    if (read_adjacency(down, g->n, &g->down_at, &g->down_to, &g->most) < 0) return -1;
    if (read_layers(layers, g) < 0) return -1;
    g->up_pos = new_array(g->up_at[g->n]);
    g->down_pos = new_array(g->down_at[g->n]);
    g->tree = new_array(g->widest + 1);
    g->ends = new_array(g->most);
    g->value = PyMem_Calloc(g->widest > 0 ? (size_t)g->widest : 1, sizeof(double));
    g->order = new_array(g->widest);
    g->tie = new_array(g->widest);
    g->has = PyMem_Calloc(g->widest > 0 ? (size_t)g->widest : 1, 1);
    g->placed = new_array(g->widest);
    g->merge = new_array(g->widest);
    if (!g->up_pos || !g->down_pos || !g->tree || !g->ends || !g->value || !g->order || !g->tie || !g->has ||
        !g->placed || !g->merge) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

PyObject *layers_list(const Py_ssize_t *layer_at, const Py_ssize_t *items, Py_ssize_t count) {
    PyObject *out = PyList_New(count);
    if (!out) return NULL;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t size = layer_at[k + 1] - layer_at[k];
        PyObject *layer = PyList_New(size);
        if (!layer) { Py_DECREF(out); return NULL; }
        for (Py_ssize_t i = 0; i < size; i++) {
            PyObject *v = PyLong_FromSsize_t(items[layer_at[k] + i]);
            if (!v) { Py_DECREF(layer); Py_DECREF(out); return NULL; }
            PyList_SET_ITEM(layer, i, v);
        }
        PyList_SET_ITEM(out, k, layer);
    }
    return out;
}

/* Writes the current order back into the caller's lists, as the Python version leaves them. */
int write_back(PyObject *layers, const Graph *g) {
    for (Py_ssize_t k = 0; k < g->count; k++) {
        PyObject *layer = PySequence_GetItem(layers, k);
        if (!layer) return -1;
        if (!PyList_Check(layer)) { Py_DECREF(layer); continue; }
        Py_ssize_t size = g->layer_at[k + 1] - g->layer_at[k];
        for (Py_ssize_t i = 0; i < size; i++) {
            PyObject *v = PyLong_FromSsize_t(g->items[g->layer_at[k] + i]);
            if (!v || PyList_SetItem(layer, i, v) < 0) { Py_DECREF(layer); return -1; }
        }
        Py_DECREF(layer);
    }
    return 0;
}


int read_flags(PyObject *seq, Py_ssize_t n, char *out, Py_ssize_t *numbers) {
    PyObject *fast = per_item(seq, n, out ? "is_lane" : "spans");
    if (!fast) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *v = PySequence_Fast_GET_ITEM(fast, i);
        if (out) {
            int flag = PyObject_IsTrue(v);
            if (flag < 0) { Py_DECREF(fast); return -1; }
            out[i] = (char)flag;
        } else {
            numbers[i] = PyLong_AsSsize_t(v);
            if (numbers[i] == -1 && PyErr_Occurred()) { Py_DECREF(fast); return -1; }
        }
    }
    Py_DECREF(fast);
    return 0;
}


int read_numbers(PyObject *seq, Py_ssize_t count, long long *out, const char *what) {
    PyObject *fast = per_item(seq, count, what);
    if (!fast) return -1;
    for (Py_ssize_t i = 0; i < count; i++) {
        out[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(fast, i));
        if (out[i] == -1 && PyErr_Occurred()) {
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);
    return 0;
}
