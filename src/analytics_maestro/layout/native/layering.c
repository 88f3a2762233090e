#include "native.h"

/* layering.greedy_columns: Kahn's topological order (ready nodes first come first served), the
 * longest-path columns, then the greedy passes that move each node that is not pinned towards its
 * busier side, up to `max_passes` passes. NULL with ValueError on a cycle. */
PyObject *py_greedy_columns(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *tails_seq, *heads_seq, *pinned_seq;
    Py_ssize_t n;
    long max_passes;
    if (!PyArg_ParseTuple(args, "nOOOl", &n, &tails_seq, &heads_seq, &pinned_seq, &max_passes)) return NULL;
    Py_ssize_t m = PySequence_Size(tails_seq);
    Py_ssize_t k = PySequence_Size(pinned_seq);
    if (m < 0 || k < 0 || n < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "columns need nodes");
        return NULL;
    }
    PyObject *result = NULL;
    long long *numbers = PyMem_Calloc((size_t)(m > k ? m : k) + 1, sizeof(long long));
    Py_ssize_t *tail = new_array(m), *head = new_array(m);
    Py_ssize_t *succ_at = new_array(n + 1), *succ = new_array(m), *pred_at = new_array(n + 1), *pred = new_array(m);
    Py_ssize_t *fill = new_array(n), *indegree = new_array(n), *order = new_array(n), *col = new_array(n);
    char *pinned = PyMem_Calloc((size_t)n + 1, 1);
    if (!numbers || !tail || !head || !succ_at || !succ || !pred_at || !pred || !fill || !indegree || !order || !col ||
        !pinned) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_numbers(tails_seq, m, numbers, "tails") < 0) goto done;
    for (Py_ssize_t e = 0; e < m; e++) tail[e] = (Py_ssize_t)numbers[e];
    if (read_numbers(heads_seq, m, numbers, "heads") < 0) goto done;
    for (Py_ssize_t e = 0; e < m; e++) head[e] = (Py_ssize_t)numbers[e];
    for (Py_ssize_t e = 0; e < m; e++) {
        if (tail[e] < 0 || tail[e] >= n || head[e] < 0 || head[e] >= n) {
            PyErr_SetString(PyExc_ValueError, "an edge's end is not a node");
            goto done;
        }
        succ_at[tail[e] + 1]++;
        pred_at[head[e] + 1]++;
    }
    if (read_numbers(pinned_seq, k, numbers, "pinned") < 0) goto done;
    for (Py_ssize_t i = 0; i < k; i++) {
        if (numbers[i] >= 0 && numbers[i] < n) pinned[numbers[i]] = 1;
    }
    for (Py_ssize_t v = 0; v < n; v++) {
        succ_at[v + 1] += succ_at[v];
        pred_at[v + 1] += pred_at[v];
    }
    /* neighbours in edge order, as the Python lists are appended */
    for (Py_ssize_t e = 0; e < m; e++) succ[succ_at[tail[e]] + fill[tail[e]]++] = head[e];
    memset(fill, 0, (size_t)n * sizeof(Py_ssize_t));
    for (Py_ssize_t e = 0; e < m; e++) pred[pred_at[head[e]] + fill[head[e]]++] = tail[e];
    Py_ssize_t done_count = 0, next = 0;
    for (Py_ssize_t v = 0; v < n; v++) {
        indegree[v] = pred_at[v + 1] - pred_at[v];
        if (indegree[v] == 0) order[done_count++] = v;
    }
    while (next < done_count) {
        Py_ssize_t u = order[next++];
        for (Py_ssize_t j = succ_at[u]; j < succ_at[u + 1]; j++) {
            if (--indegree[succ[j]] == 0) order[done_count++] = succ[j];
        }
    }
    if (done_count != n) {
        PyErr_SetString(PyExc_ValueError, "the graph has a cycle; break cycles before layering");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t u = order[i];
        for (Py_ssize_t j = succ_at[u]; j < succ_at[u + 1]; j++) {
            if (col[succ[j]] < col[u] + 1) col[succ[j]] = col[u] + 1;
        }
    }
    for (long pass = 0; pass < max_passes; pass++) {
        int moved = 0;
        for (Py_ssize_t i = 0; i < 2 * n; i++) {
            Py_ssize_t u = i < n ? order[n - 1 - i] : order[i - n];
            if (pinned[u]) continue;
            Py_ssize_t preds = pred_at[u + 1] - pred_at[u], succs = succ_at[u + 1] - succ_at[u];
            Py_ssize_t slope = preds - succs, target;
            if (slope > 0 || (slope == 0 && succs == 0)) {
                target = 0;
                for (Py_ssize_t j = pred_at[u]; j < pred_at[u + 1]; j++) {
                    if (j == pred_at[u] || col[pred[j]] + 1 > target) target = col[pred[j]] + 1;
                }
            } else if (slope < 0) {
                target = col[succ[succ_at[u]]] - 1;
                for (Py_ssize_t j = succ_at[u] + 1; j < succ_at[u + 1]; j++) {
                    if (col[succ[j]] - 1 < target) target = col[succ[j]] - 1;
                }
            } else {
                continue;
            }
            if (target != col[u]) {
                col[u] = target;
                moved = 1;
            }
        }
        if (!moved) break;
    }
    result = PyList_New(n);
    if (!result) goto done;
    for (Py_ssize_t v = 0; v < n; v++) {
        PyObject *c = PyLong_FromSsize_t(col[v]);
        if (!c) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, v, c);
    }
done:
    PyMem_Free(numbers); PyMem_Free(tail); PyMem_Free(head); PyMem_Free(succ_at); PyMem_Free(succ);
    PyMem_Free(pred_at); PyMem_Free(pred); PyMem_Free(fill); PyMem_Free(indegree); PyMem_Free(order);
    PyMem_Free(col); PyMem_Free(pinned);
    return result;
}
