#include "native.h"

/* Routes (`routing.route_chains`): ports spread along each box side in the order of the other
 * ends, straight segments between columns, horizontal runs through lanes. */

/* round(value, 3) + 0.0, as Python rounds: to the nearest thousandth of the exact binary value,
 * halves to even. Away from halves, rounding value * 1000 gives that thousandth; near one, the
 * decimal text decides, as in Python. */
static double snap(double value) {
    double scaled = value * 1000.0;
    if (fabs(scaled) < 1e9 && fabs(fabs(scaled - trunc(scaled)) - 0.5) > 1e-6) return nearbyint(scaled) / 1000.0 + 0.0;
    char text[400];  /* the largest double has 309 digits */
    snprintf(text, sizeof text, "%.3f", value);
    return strtod(text, NULL) + 0.0;
}

typedef struct {
    Py_ssize_t node, position, chain;
    double y;
} End;

static int compare_ends(const void *a, const void *b) {
    const End *x = a, *y = b;
    if (x->node != y->node) return (x->node > y->node) - (x->node < y->node);
    if (x->y != y->y) return (x->y > y->y) - (x->y < y->y);
    if (x->position != y->position) return (x->position > y->position) - (x->position < y->position);
    return (x->chain > y->chain) - (x->chain < y->chain);
}

/* Each chain's port height on one side of its box, spread evenly in the order of the other ends. */
static void spread_ports(End *ends, Py_ssize_t count, const double *box_y, const double *box_h, double *port) {
    qsort(ends, (size_t)count, sizeof(End), compare_ends);
    for (Py_ssize_t first = 0; first < count;) {
        Py_ssize_t last = first, node = ends[first].node;
        while (last < count && ends[last].node == node) last++;
        double top = box_y[node] - box_h[node] / 2.0;
        for (Py_ssize_t j = 0; j < last - first; j++)
            port[ends[first + j].chain] = top + box_h[node] * (double)(j + 1) / (double)(last - first + 1);
        first = last;
    }
}

static int read_floats(PyObject *seq, double *out, Py_ssize_t n) {
    PyObject *fast = per_item(seq, n, "lane_y and lane_x");
    if (!fast) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        out[i] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(fast, i));
        if (out[i] == -1.0 && PyErr_Occurred()) { Py_DECREF(fast); return -1; }
    }
    Py_DECREF(fast);
    return 0;
}

static PyObject *point(double x, double y) { return Py_BuildValue("(dd)", snap(x), snap(y)); }

PyObject *py_snap(PyObject *self, PyObject *arg) {
    (void)self;
    double value = PyFloat_AsDouble(arg);
    if (value == -1.0 && PyErr_Occurred()) return NULL;
    return PyFloat_FromDouble(snap(value));
}

PyObject *py_routes(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *chain_list, *box_list, *lane_y_list, *lane_x_list, *position_list;
    double node_width;
    if (!PyArg_ParseTuple(args, "OOOOOd", &chain_list, &box_list, &lane_y_list, &lane_x_list, &position_list,
                          &node_width))
        return NULL;
    PyObject *chains = PySequence_Fast(chain_list, "chains must be a sequence");
    PyObject *boxes = chains ? PySequence_Fast(box_list, "boxes must be a sequence") : NULL;
    PyObject *result = NULL;
    Py_ssize_t count = chains ? PySequence_Fast_GET_SIZE(chains) : 0, nodes = boxes ? PySequence_Fast_GET_SIZE(boxes) : 0;
    Py_ssize_t items = PySequence_Size(lane_y_list);
    Py_ssize_t *tail = new_array(count), *head = new_array(count), *position = new_array(items);
    End *right = PyMem_Calloc(count > 0 ? (size_t)count : 1, sizeof(End));
    End *left = PyMem_Calloc(count > 0 ? (size_t)count : 1, sizeof(End));
    double *box = PyMem_Calloc(nodes > 0 ? 4 * (size_t)nodes : 1, sizeof(double));
    double *lanes_y = PyMem_Calloc(items > 0 ? (size_t)items : 1, sizeof(double));
    double *lanes_x = PyMem_Calloc(items > 0 ? (size_t)items : 1, sizeof(double));
    double *out_port = PyMem_Calloc(count > 0 ? (size_t)count : 1, sizeof(double));
    double *in_port = PyMem_Calloc(count > 0 ? (size_t)count : 1, sizeof(double));
    PyObject **lanes = PyMem_Calloc(count > 0 ? (size_t)count : 1, sizeof(PyObject *));
    if (!chains || !boxes || items < 0) goto done;
    if (!tail || !head || !position || !right || !left || !box || !lanes_y || !lanes_x || !out_port || !in_port ||
        !lanes) {
        PyErr_NoMemory();
        goto done;
    }
    double *box_x = box, *box_y = box + nodes, *box_w = box + 2 * nodes, *box_h = box + 3 * nodes;
    static const char *sides[] = {"x", "y", "w", "h"};
    for (Py_ssize_t i = 0; i < nodes; i++) {
        for (int k = 0; k < 4; k++) {
            PyObject *v = PyObject_GetAttrString(PySequence_Fast_GET_ITEM(boxes, i), sides[k]);
            if (!v) goto done;
            box[k * nodes + i] = PyFloat_AsDouble(v);
            Py_DECREF(v);
            if (PyErr_Occurred()) goto done;
        }
    }
    if (read_floats(lane_y_list, lanes_y, items) < 0 || read_floats(lane_x_list, lanes_x, items) < 0) goto done;
    if (read_flags(position_list, items, NULL, position) < 0) goto done;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *chain = PySequence_Fast_GET_ITEM(chains, k), *t = NULL, *h = NULL;
        t = PyObject_GetAttrString(chain, "tail");
        h = t ? PyObject_GetAttrString(chain, "head") : NULL;
        lanes[k] = h ? PyObject_GetAttrString(chain, "lanes") : NULL;
        tail[k] = t ? PyLong_AsSsize_t(t) : -1;
        head[k] = h ? PyLong_AsSsize_t(h) : -1;
        Py_XDECREF(t);
        Py_XDECREF(h);
        if (PyErr_Occurred() || !lanes[k]) goto done;
        if (!PyTuple_Check(lanes[k]) || tail[k] < 0 || tail[k] >= nodes || head[k] < 0 || head[k] >= nodes) {
            PyErr_SetString(PyExc_ValueError, "a chain joins two boxes through a tuple of lanes");
            goto done;
        }
        Py_ssize_t through = PyTuple_GET_SIZE(lanes[k]), first = head[k], last = tail[k];
        if (through) {
            first = PyLong_AsSsize_t(PyTuple_GET_ITEM(lanes[k], 0));
            last = PyLong_AsSsize_t(PyTuple_GET_ITEM(lanes[k], through - 1));
            if (PyErr_Occurred()) goto done;
        }
        if (first < 0 || first >= items || last < 0 || last >= items) {
            PyErr_SetString(PyExc_ValueError, "a lane is not an item");
            goto done;
        }
        right[k] = (End){tail[k], position[first], k, through ? lanes_y[first] : box_y[first]};
        left[k] = (End){head[k], position[last], k, through ? lanes_y[last] : box_y[last]};
    }
    spread_ports(right, count, box_y, box_h, out_port);
    spread_ports(left, count, box_y, box_h, in_port);
    result = PyList_New(count);
    if (!result) goto done;
    double half = node_width / 2.0;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t through = PyTuple_GET_SIZE(lanes[k]);
        PyObject *points = PyList_New(2 + 2 * through);
        if (!points) goto fail;
        PyList_SET_ITEM(result, k, points);
        PyObject *p = point(box_x[tail[k]] + box_w[tail[k]] / 2.0, out_port[k]);
        if (!p) goto fail;
        PyList_SET_ITEM(points, 0, p);
        for (Py_ssize_t j = 0; j < through; j++) {
            Py_ssize_t lane = PyLong_AsSsize_t(PyTuple_GET_ITEM(lanes[k], j));
            if (lane < 0 || lane >= items) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a lane is not an item");
                goto fail;
            }
            PyObject *a = point(lanes_x[lane] - half, lanes_y[lane]);
            if (!a) goto fail;
            PyList_SET_ITEM(points, 1 + 2 * j, a);
            PyObject *b = point(lanes_x[lane] + half, lanes_y[lane]);
            if (!b) goto fail;
            PyList_SET_ITEM(points, 2 + 2 * j, b);
        }
        p = point(box_x[head[k]] - box_w[head[k]] / 2.0, in_port[k]);
        if (!p) goto fail;
        PyList_SET_ITEM(points, 1 + 2 * through, p);
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    if (lanes)
        for (Py_ssize_t k = 0; k < count; k++) Py_XDECREF(lanes[k]);
    PyMem_Free(lanes); PyMem_Free(tail); PyMem_Free(head); PyMem_Free(position); PyMem_Free(right);
    PyMem_Free(left); PyMem_Free(box); PyMem_Free(lanes_y); PyMem_Free(lanes_x); PyMem_Free(out_port);
    PyMem_Free(in_port);
    Py_XDECREF(chains);
    Py_XDECREF(boxes);
    return result;
}
