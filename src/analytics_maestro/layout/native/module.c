/* The module `analytics_maestro.layout._native`: one function per loop of the layout's phases. */

#include "native.h"

static PyMethodDef methods[] = {
    {"sweeps", py_sweeps, METH_VARARGS,
     "sweeps(layers, up, down, iterations, value, hold, work, transpose, min_quit, convergence, max_rounds)"
     " -> (best layers, their crossings, work left); `layers` is left in its last order."},
    {"transpose", py_transpose, METH_VARARGS,
     "transpose(layers, up, down, reverse, work, max_rounds) -> (crossings, work left); reorders `layers`."},
    {"sift", py_sift, METH_VARARGS, "sift(layers, up, down, work) -> (crossings removed, work left); reorders `layers`."},
    {"rows", py_rows, METH_VARARGS,
     "rows(layers, up, down, is_lane, spans, lanes_per_row, (lane_lane, lane_node, node_node), sweeps)"
     " -> the tops of each column's slots; `sweeps` spells the sweeps r(ight), l(eft), b(oth)."},
    {"simplex", py_simplex, METH_VARARGS,
     "simplex(n, tails, heads, minlen, weight, rank, max_exchanges) -> optimal ranks (network simplex)"},
    {"greedy_columns", py_greedy_columns, METH_VARARGS,
     "greedy_columns(n, tails, heads, pinned, max_passes) -> longest-path columns after the greedy passes"},
    {"snap", py_snap, METH_O, "snap(value) -> round(value, 3) + 0.0"},
    {"routes", py_routes, METH_VARARGS,
     "routes(chains, boxes, lane_y, lane_x, position, node_width) -> each chain's polyline, snapped."},
    {"total_crossings", py_total_crossings, METH_VARARGS, "total_crossings(layers, up, down) -> crossings"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", "The layout's inner loops, compiled.", -1,
                                    methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
