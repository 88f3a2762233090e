#include "native.h"

/* Rows (`coordinates.assign_rows`): slots per column, moved by sweeps towards the weighted mean
 * height of their neighbours, nearest order-preserving placement by pool-adjacent-violators, then
 * snapped to whole rows. */
typedef struct {
    Py_ssize_t first, size;  /* the slot's items: g->items[first .. first + size) */
    Py_ssize_t height;
    double top;
} Slot;

static void item_centres(const Graph *g, const Slot *slot, const char *is_lane, double *centre) {
    if (is_lane[g->items[slot->first]]) {
        Py_ssize_t k = slot->size;
        for (Py_ssize_t j = 0; j < k; j++)
            centre[g->items[slot->first + j]] = slot->top + (double)(j + 1) / (double)(k + 1);
    } else {
        centre[g->items[slot->first]] = slot->top + (double)slot->height / 2.0;
    }
}

/* The non-decreasing sequence nearest to `target` in weighted least squares, into `out`. */
static void isotonic(const double *target, const double *weight, Py_ssize_t count, double *out, double *block_w,
                     double *block_s, Py_ssize_t *block_c) {
    Py_ssize_t blocks = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        block_w[blocks] = weight[i];
        block_s[blocks] = weight[i] * target[i];
        block_c[blocks] = 1;
        blocks++;
        while (blocks > 1 && block_s[blocks - 2] / block_w[blocks - 2] > block_s[blocks - 1] / block_w[blocks - 1]) {
            blocks--;
            block_w[blocks - 1] += block_w[blocks];
            block_s[blocks - 1] += block_s[blocks];
            block_c[blocks - 1] += block_c[blocks];
        }
    }
    Py_ssize_t at = 0;
    for (Py_ssize_t b = 0; b < blocks; b++)
        for (Py_ssize_t j = 0; j < block_c[b]; j++) out[at++] = block_s[b] / block_w[b];
}

typedef struct {
    double lane_lane, lane_node, node_node;
} Pulls;

static void place_column(const Graph *g, Slot *slots, Py_ssize_t count, int use_up, int use_down, const char *is_lane,
                         const Pulls *pulls, double *centre, double *scratch, Py_ssize_t *counts) {
    double *target = scratch, *weight = scratch + count, *z = scratch + 2 * count;
    double *block_w = scratch + 3 * count, *block_s = scratch + 4 * count;
    double offset = 0.0;
    for (Py_ssize_t s = 0; s < count; s++) {
        double pull = 0.0, total = 0.0;
        for (Py_ssize_t j = slots[s].first; j < slots[s].first + slots[s].size; j++) {
            Py_ssize_t item = g->items[j];
            for (int side = 0; side < 2; side++) {
                if (side == 0 ? !use_up : !use_down) continue;
                const Py_ssize_t *at = side == 0 ? g->up_at : g->down_at, *to = side == 0 ? g->up_to : g->down_to;
                for (Py_ssize_t e = at[item]; e < at[item + 1]; e++) {
                    Py_ssize_t other = to[e];
                    double w = is_lane[item] && is_lane[other]   ? pulls->lane_lane
                               : is_lane[item] || is_lane[other] ? pulls->lane_node
                                                                 : pulls->node_node;
                    pull += w * (centre[other] - centre[item]);
                    total += w;
                }
            }
        }
        double current = slots[s].top;
        double wanted = total != 0.0 ? current + pull / total : current;
        target[s] = wanted - offset;
        weight[s] = total != 0.0 ? total : 0.01;
        offset += (double)slots[s].height;
    }
    isotonic(target, weight, count, z, block_w, block_s, counts);
    offset = 0.0;
    for (Py_ssize_t s = 0; s < count; s++) {
        slots[s].top = z[s] + offset;
        offset += (double)slots[s].height;
        item_centres(g, &slots[s], is_lane, centre);
    }
}
PyObject *py_rows(PyObject *self, PyObject *args) {
    PyObject *layers, *up, *down, *lanes, *span_list;
    Py_ssize_t per_row;
    Pulls pulls;
    const char *sweeps;
    if (!PyArg_ParseTuple(args, "OOOOOn(ddd)s", &layers, &up, &down, &lanes, &span_list, &per_row, &pulls.lane_lane,
                          &pulls.lane_node, &pulls.node_node, &sweeps))
        return NULL;
    Graph g;
    PyObject *result = NULL;
    char *is_lane = NULL;
    Py_ssize_t *spans = NULL, *column_at = NULL, *counts = NULL;
    Slot *slots = NULL;
    double *centre = NULL, *scratch = NULL;
    if (graph_read(&g, layers, up, down) < 0) goto done;
    is_lane = PyMem_Calloc(g.n > 0 ? (size_t)g.n : 1, 1);
    spans = new_array(g.n);
    column_at = new_array(g.count + 1);
    counts = new_array(g.n);
    slots = PyMem_Calloc(g.n > 0 ? (size_t)g.n : 1, sizeof(Slot));
    centre = PyMem_Calloc(g.n > 0 ? (size_t)g.n : 1, sizeof(double));
    scratch = PyMem_Calloc(g.n > 0 ? 5 * (size_t)g.n : 1, sizeof(double));
    if (!is_lane || !spans || !column_at || !counts || !slots || !centre || !scratch) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_flags(lanes, g.n, is_lane, NULL) < 0 || read_flags(span_list, g.n, NULL, spans) < 0) goto done;
    /* the slots: a node each, up to `per_row` consecutive lanes together */
    Py_ssize_t total = 0;
    for (Py_ssize_t k = 0; k < g.count; k++) {
        Py_ssize_t top = 0, start = total;
        for (Py_ssize_t i = g.layer_at[k]; i < g.layer_at[k + 1]; i++) {
            Py_ssize_t item = g.items[i];
            Slot *last = total > start ? &slots[total - 1] : NULL;
            if (is_lane[item] && last && last->size < per_row && is_lane[g.items[last->first]]) {
                last->size++;
            } else {
                slots[total].first = i;
                slots[total].size = 1;
                slots[total].height = is_lane[item] ? 1 : spans[item];
                total++;
            }
        }
        for (Py_ssize_t s = start; s < total; s++) {
            slots[s].top = (double)top;
            top += slots[s].height;
        }
        column_at[k + 1] = total;
    }
    for (Py_ssize_t s = 0; s < total; s++) item_centres(&g, &slots[s], is_lane, centre);
    for (const char *sweep = sweeps; *sweep; sweep++) {
        int rightward = *sweep == 'r', use_up = *sweep != 'l', use_down = *sweep != 'r';
        for (Py_ssize_t step = 0; step < g.count; step++) {
            Py_ssize_t k = rightward ? step : g.count - 1 - step;
            place_column(&g, slots + column_at[k], column_at[k + 1] - column_at[k], use_up, use_down, is_lane,
                         &pulls, centre, scratch, counts);
        }
    }
    /* snapped to whole rows, top to bottom, the smallest top 0 */
    double lowest = 0.0;
    int any = 0;
    for (Py_ssize_t k = 0; k < g.count; k++)
        if (column_at[k + 1] > column_at[k] && (!any || slots[column_at[k]].top < lowest)) {
            lowest = slots[column_at[k]].top;
            any = 1;
        }
    for (Py_ssize_t k = 0; k < g.count; k++) {
        double floor_at = 0.0;
        for (Py_ssize_t s = column_at[k]; s < column_at[k + 1]; s++) {
            double top = nearbyint(slots[s].top - lowest);  /* halves to even, as Python's round */
            if (s > column_at[k] && top < floor_at) top = floor_at;
            slots[s].top = top;
            floor_at = top + (double)slots[s].height;
        }
    }
    lowest = 0.0;
    any = 0;
    for (Py_ssize_t k = 0; k < g.count; k++)
        if (column_at[k + 1] > column_at[k] && (!any || slots[column_at[k]].top < lowest)) {
            lowest = slots[column_at[k]].top;
            any = 1;
        }
    result = PyList_New(g.count);
    if (!result) goto done;
    for (Py_ssize_t k = 0; k < g.count; k++) {
        PyObject *tops = PyList_New(column_at[k + 1] - column_at[k]);
        if (!tops) { Py_CLEAR(result); goto done; }
        PyList_SET_ITEM(result, k, tops);
        for (Py_ssize_t s = column_at[k]; s < column_at[k + 1]; s++) {
            PyObject *v = PyFloat_FromDouble(slots[s].top - lowest);
            if (!v) { Py_CLEAR(result); goto done; }
            PyList_SET_ITEM(tops, s - column_at[k], v);
        }
    }
done:
    PyMem_Free(is_lane); PyMem_Free(spans); PyMem_Free(column_at); PyMem_Free(counts);
    PyMem_Free(slots); PyMem_Free(centre); PyMem_Free(scratch);
    graph_free(&g);
    return result;
}
