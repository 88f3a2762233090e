/* The renderer's number formatting, compiled: a large diagram's SVG is mostly coordinates. The
 * same text as `common.num` and `common.path_data`, which remain the reference and the fallback
 * where no C compiler was at hand; a test holds the two together. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdio.h>

/* One decimal, without a trailing `.0`: tenths rounded half to even, as Python's round(). */
static int format_number(double value, char *out, size_t room) {
    double tenths = nearbyint(value * 10.0);
    if (!isfinite(tenths) || fabs(tenths) > 9e15) return -1;
    long long t = (long long)tenths;
    if (t % 10) return snprintf(out, room, "%.1f", (double)t / 10.0);
    return snprintf(out, room, "%lld", t / 10);
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

static PyMethodDef methods[] = {
    {"num", py_num, METH_O, "num(value) -> a coordinate with one decimal, without a trailing .0"},
    {"path_data", py_path_data, METH_O, "path_data(points) -> 'Mx,yLx,y...'"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_numbers", "The renderer's number formatting, compiled.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__numbers(void) { return PyModule_Create(&module); }
