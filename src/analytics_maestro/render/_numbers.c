/* The renderer's hot loops, compiled: coordinates as text (a large diagram's SVG is mostly
 * numbers) and the edges' markup. The same text as `common.num`, `common.path_data` and
 * `common.python_edge_groups`, which remain the reference and the fallback where no C compiler was
 * at hand; tests hold the two together. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* One decimal, without a trailing `.0`: tenths rounded half to even, as Python's round(). The
 * digits are those of the whole number of tenths, written out here: printf's floating-point
 * formatting cost more than everything else the renderer does in C. Below 10^14 units, "%.1f" of
 * tenths / 10 gives exactly these digits (its error is far under half a tenth); beyond, printf. */
static int format_number(double value, char *out, size_t room) {
    double tenths = nearbyint(value * 10.0);
    if (!isfinite(tenths) || fabs(tenths) > 9e15) return -1;
    long long t = (long long)tenths;
    if (t <= -1000000000000000LL || t >= 1000000000000000LL || room < 24) {
        if (t % 10) return snprintf(out, room, "%.1f", (double)t / 10.0);
        return snprintf(out, room, "%lld", t / 10);
    }
    unsigned long long u = (unsigned long long)(t < 0 ? -t : t);
    int tenth = (int)(u % 10);
    char digits[20];
    int k = 0;
    u /= 10;
    do {
        digits[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    int at = 0;
    if (t < 0) out[at++] = '-';
    while (k) out[at++] = digits[--k];
    if (tenth) {
        out[at++] = '.';
        out[at++] = (char)('0' + tenth);
    }
    out[at] = '\0';
    return at;
}

static int read_number(PyObject *object, double *value) {
    *value = PyFloat_AsDouble(object);
    return *value == -1.0 && PyErr_Occurred() ? -1 : 0;
}

static PyObject *py_num(PyObject *self, PyObject *arg) {
    (void)self;
    double value;
    char text[32];
    if (read_number(arg, &value) < 0) return NULL;
    int size = format_number(value, text, sizeof text);
    if (size < 0) {
        PyErr_SetString(PyExc_ValueError, "a coordinate out of range");
        return NULL;
    }
    return PyUnicode_FromStringAndSize(text, size);
}

/* "Mx,yLx,y...": the path data of a polyline given as (x, y) pairs. */
static PyObject *py_path_data(PyObject *self, PyObject *arg) {
    (void)self;
    PyObject *points = PySequence_Fast(arg, "points must be a sequence");
    if (!points) return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(points);
    size_t room = 64 * (size_t)(count + 1);
    char *text = PyMem_Malloc(room);
    PyObject *result = NULL;
    if (!text) {
        PyErr_NoMemory();
        goto done;
    }
    size_t at = 0;
    text[at++] = 'M';
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *point = PySequence_Fast_GET_ITEM(points, i);
        if (!(PyTuple_Check(point) || PyList_Check(point)) || PySequence_Fast_GET_SIZE(point) != 2) {
            PyErr_SetString(PyExc_TypeError, "a point is an (x, y) pair");
            goto done;
        }
        double x, y;
        PyObject **xy = PySequence_Fast_ITEMS(point);
        if (read_number(xy[0], &x) < 0 || read_number(xy[1], &y) < 0) goto done;
        if (i) text[at++] = 'L';
        int size = format_number(x, text + at, room - at);
        if (size < 0) goto range;
        at += (size_t)size;
        text[at++] = ',';
        size = format_number(y, text + at, room - at);
        if (size < 0) goto range;
        at += (size_t)size;
    }
    result = PyUnicode_FromStringAndSize(text, (Py_ssize_t)at);
    goto done;
range:
    PyErr_SetString(PyExc_ValueError, "a coordinate out of range");
done:
    PyMem_Free(text);
    Py_DECREF(points);
    return result;
}

/* A growing UTF-8 buffer: the markup of every edge, decoded into one string at the end. */
typedef struct {
    char *data;
    size_t size, room;
} Buffer;

static int buffer_add(Buffer *b, const char *text, size_t size) {
    if (b->size + size > b->room) {
        size_t room = b->room ? b->room : 1 << 16;
        while (b->size + size > room) room *= 2;
        char *grown = PyMem_Realloc(b->data, room);
        if (!grown) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = grown;
        b->room = room;
    }
    memcpy(b->data + b->size, text, size);
    b->size += size;
    return 0;
}

static int add_text(Buffer *b, const char *text) { return buffer_add(b, text, strlen(text)); }

static int add_str(Buffer *b, PyObject *s) {
    Py_ssize_t size;
    const char *text = s ? PyUnicode_AsUTF8AndSize(s, &size) : NULL;
    return text ? buffer_add(b, text, (size_t)size) : -1;
}

/* The dict's value for `key`, borrowed; an error naming what is missing otherwise. */
static PyObject *lookup(PyObject *dict, PyObject *key, const char *what) {
    PyObject *v = PyDict_GetItemWithError(dict, key);
    if (!v && !PyErr_Occurred()) PyErr_Format(PyExc_KeyError, "no %s for %R", what, key);
    return v;
}

/* `common.Projection.at`, with the numbers of `Projection.numbers`: iso, (row stretch, cos 30°,
 * sin 30°, scale, height times scale); flat, (unit x, unit y). */
typedef struct {
    int iso;
    double a, b, c, d, e;
} Place;

static void place(const Place *t, double x, double y, double *px, double *py) {
    if (t->iso) {
        y *= t->a;
        *px = (x - y) * t->b * t->d;
        *py = (x + y) * t->c * t->d - t->e;
    } else {
        *px = x * t->a;
        *py = y * t->b;
    }
}

/* The point halfway along a polyline: `common.midpoint`. */
static void midpoint(const double *xs, const double *ys, Py_ssize_t count, double *mx, double *my, double *lengths) {
    double total = 0.0;
    for (Py_ssize_t i = 0; i + 1 < count; i++) {
        double dx = xs[i + 1] - xs[i], dy = ys[i + 1] - ys[i];
        lengths[i] = sqrt(dx * dx + dy * dy);
        total += lengths[i];
    }
    double half = total / 2.0;
    for (Py_ssize_t i = 0; i + 1 < count; i++) {
        if (half <= lengths[i] && lengths[i] > 0.0) {
            double t = half / lengths[i];
            *mx = xs[i] + (xs[i + 1] - xs[i]) * t;
            *my = ys[i] + (ys[i + 1] - ys[i]) * t;
            return;
        }
        half -= lengths[i];
    }
    *mx = xs[count - 1];
    *my = ys[count - 1];
}

/* `common.EDGE` as pieces: a text, then a field (or none) */
enum { KIND, SOURCE, TARGET, ENDPOINT, PATH, MARKER, SID, X, Y, LABEL, FIELDS };
#define MAX_PIECES 32

typedef struct {
    const char *text;
    Py_ssize_t size;
    int field;
} Piece;

static int read_pieces(PyObject *seq, Piece *pieces, Py_ssize_t *count) {
    PyObject *fast = PySequence_Fast(seq, "pieces must be a sequence");
    if (!fast) return -1;
    *count = PySequence_Fast_GET_SIZE(fast);
    if (*count > MAX_PIECES) {
        PyErr_SetString(PyExc_ValueError, "the edge template has too many pieces");
        Py_DECREF(fast);
        return -1;
    }
    for (Py_ssize_t i = 0; i < *count; i++) {
        PyObject *piece = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyArg_ParseTuple(piece, "s#i", &pieces[i].text, &pieces[i].size, &pieces[i].field) ||
            pieces[i].field < -1 || pieces[i].field >= FIELDS) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "an edge template field out of range");
            Py_DECREF(fast);
            return -1;
        }
    }
    Py_DECREF(fast);  /* the texts stay: the caller's tuple holds them */
    return 0;
}

static PyObject *py_edge_groups(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *routes, *sids, *quoted, *escaped, *markers, *piece_seq;
    Place t;
    Piece pieces[MAX_PIECES];
    Py_ssize_t piece_count;
    if (!PyArg_ParseTuple(args, "OOOOOOp(ddddd)", &routes, &sids, &quoted, &escaped, &markers, &piece_seq, &t.iso,
                          &t.a, &t.b, &t.c, &t.d, &t.e))
        return NULL;
    if (!PyDict_Check(sids) || !PyDict_Check(quoted) || !PyDict_Check(escaped) || !PyDict_Check(markers)) {
        PyErr_SetString(PyExc_TypeError, "sids, quoted, escaped and markers must be dicts");
        return NULL;
    }
    if (read_pieces(piece_seq, pieces, &piece_count) < 0) return NULL;
    PyObject *fast = PySequence_Fast(routes, "routes must be a sequence");
    if (!fast) return NULL;
    PyObject *result = NULL, *empty = PyUnicode_FromString("");
    Buffer out = {NULL, 0, 0};
    double *xs = NULL, *ys = NULL, *lengths = NULL;
    Py_ssize_t room = 0;
    double bounds[4] = {0.0, 0.0, 0.0, 0.0};
    int any = 0;
    if (!empty) goto done;
    for (Py_ssize_t r = 0; r < PySequence_Fast_GET_SIZE(fast); r++) {
        PyObject *route = PySequence_Fast_GET_ITEM(fast, r);
        PyObject *source = PyObject_GetAttrString(route, "source");
        PyObject *target = source ? PyObject_GetAttrString(route, "target") : NULL;
        PyObject *endpoint = target ? PyObject_GetAttrString(route, "endpoint") : NULL;
        PyObject *kind = endpoint ? PyObject_GetAttrString(route, "kind") : NULL;
        PyObject *points = kind ? PyObject_GetAttrString(route, "points") : NULL;
        PyObject *seq = points ? PySequence_Fast(points, "points must be a sequence") : NULL;
        int ok = 0;
        if (!seq) goto route_done;
        Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
        if (count < 1) {
            PyErr_SetString(PyExc_ValueError, "a route has no points");
            goto route_done;
        }
        if (count > room) {
            room = 2 * count;
            PyMem_Free(xs); PyMem_Free(ys); PyMem_Free(lengths);
            xs = PyMem_Malloc((size_t)room * sizeof(double));
            ys = PyMem_Malloc((size_t)room * sizeof(double));
            lengths = PyMem_Malloc((size_t)room * sizeof(double));
            if (!xs || !ys || !lengths) { PyErr_NoMemory(); goto route_done; }
        }
        for (Py_ssize_t i = 0; i < count; i++) {
            PyObject *p = PySequence_Fast_GET_ITEM(seq, i);
            if (!PyTuple_Check(p) || PyTuple_GET_SIZE(p) != 2) {
                PyErr_SetString(PyExc_TypeError, "a point is an (x, y) tuple");
                goto route_done;
            }
            double x, y;
            if (read_number(PyTuple_GET_ITEM(p, 0), &x) < 0 || read_number(PyTuple_GET_ITEM(p, 1), &y) < 0)
                goto route_done;
            place(&t, x, y, &xs[i], &ys[i]);
            if (!any || xs[i] < bounds[0]) bounds[0] = xs[i];
            if (!any || xs[i] > bounds[1]) bounds[1] = xs[i];
            if (!any || ys[i] < bounds[2]) bounds[2] = ys[i];
            if (!any || ys[i] > bounds[3]) bounds[3] = ys[i];
            any = 1;
        }
        /* the path data */
        size_t path_room = 64 * (size_t)(count + 1), at = 0;
        char *path = PyMem_Malloc(path_room);
        if (!path) { PyErr_NoMemory(); goto route_done; }
        path[at++] = 'M';
        for (Py_ssize_t i = 0; i < count; i++) {
            if (i) path[at++] = 'L';
            int a = format_number(xs[i], path + at, path_room - at);
            if (a < 0) { PyMem_Free(path); PyErr_SetString(PyExc_ValueError, "a coordinate out of range"); goto route_done; }
            at += (size_t)a;
            path[at++] = ',';
            a = format_number(ys[i], path + at, path_room - at);
            if (a < 0) { PyMem_Free(path); PyErr_SetString(PyExc_ValueError, "a coordinate out of range"); goto route_done; }
            at += (size_t)a;
        }
        double mx, my;
        midpoint(xs, ys, count, &mx, &my, lengths);
        char label[80];
        int lx = format_number(mx, label, 40), ly = lx < 0 ? -1 : format_number(my, label + 40, 40);
        PyObject *key = endpoint == Py_None ? empty : endpoint;
        PyObject *qs = lookup(quoted, source, "quoted id"), *qt = qs ? lookup(quoted, target, "quoted id") : NULL;
        PyObject *qe = qt ? lookup(quoted, key, "quoted endpoint") : NULL;
        PyObject *te = qe ? lookup(escaped, key, "escaped endpoint") : NULL;
        PyObject *sid = te ? lookup(sids, source, "element id") : NULL;
        PyObject *marker = sid ? lookup(markers, kind, "marker") : NULL;
        if (lx < 0 || ly < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a coordinate out of range");
        } else if (marker) {
            PyObject *strings[FIELDS] = {kind, qs, qt, qe, NULL, marker, sid, NULL, NULL, te};
            ok = !r || add_text(&out, "\n") == 0;
            for (Py_ssize_t i = 0; ok && i < piece_count; i++) {
                int field = pieces[i].field;
                ok = buffer_add(&out, pieces[i].text, (size_t)pieces[i].size) == 0;
                if (!ok || field < 0) continue;
                if (field == PATH) ok = buffer_add(&out, path, at) == 0;
                else if (field == X) ok = buffer_add(&out, label, (size_t)lx) == 0;
                else if (field == Y) ok = buffer_add(&out, label + 40, (size_t)ly) == 0;
                else ok = add_str(&out, strings[field]) == 0;
            }
        }
        PyMem_Free(path);
    route_done:
        Py_XDECREF(seq); Py_XDECREF(points); Py_XDECREF(kind); Py_XDECREF(endpoint); Py_XDECREF(target);
        Py_XDECREF(source);
        if (!ok) goto done;
    }
    PyObject *joined = PyUnicode_DecodeUTF8(out.data ? out.data : "", (Py_ssize_t)out.size, "strict");
    if (joined) {
        if (any)
            result = Py_BuildValue("(N(dddd))", joined, bounds[0], bounds[1], bounds[2], bounds[3]);
        else
            result = Py_BuildValue("(NO)", joined, Py_None);
    }
done:
    PyMem_Free(xs); PyMem_Free(ys); PyMem_Free(lengths);
    PyMem_Free(out.data);
    Py_XDECREF(empty);
    Py_DECREF(fast);
    return result;
}

static PyMethodDef methods[] = {
    {"num", py_num, METH_O, "num(value) -> a coordinate with one decimal, without a trailing .0"},
    {"path_data", py_path_data, METH_O, "path_data(points) -> 'Mx,yLx,y...'"},
    {"edge_groups", py_edge_groups, METH_VARARGS,
     "edge_groups(routes, sids, quoted, escaped, markers, pieces, iso, (a, b, c, d, e))"
     " -> (markup, (min x, max x, min y, max y) or None)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_numbers", "The renderer's hot loops, compiled.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__numbers(void) { return PyModule_Create(&module); }
