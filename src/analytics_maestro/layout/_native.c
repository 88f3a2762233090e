/* The layout's inner loops, compiled: the greedy column passes, the ordering's median or barycentre
 * sweeps, transposition, sifting and crossing counts, the rows' placement sweeps and the routes,
 * step for step as `layering.py`, `ordering.py`, `coordinates.py` and `routing.py` do them (same
 * moves, ties, floating-point operations and work spent), so the layout is byte-identical with or
 * without this module. The Python loops remain the reference and the fallback where no C compiler
 * was at hand; tests hold the two together.
 *
 * Items are numbered 0..n-1; `up` and `down` give each item's neighbours in the layer before and
 * the layer after; `layers` lists the items of each layer in order. */

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

static void graph_free(Graph *g) {
    PyMem_Free(g->up_at); PyMem_Free(g->up_to); PyMem_Free(g->down_at); PyMem_Free(g->down_to);
    PyMem_Free(g->layer_at); PyMem_Free(g->items); PyMem_Free(g->pos);
    PyMem_Free(g->up_pos); PyMem_Free(g->down_pos); PyMem_Free(g->tree); PyMem_Free(g->ends);
    PyMem_Free(g->value); PyMem_Free(g->order); PyMem_Free(g->tie); PyMem_Free(g->has); PyMem_Free(g->placed);
    PyMem_Free(g->merge);
}

static Py_ssize_t *new_array(Py_ssize_t size) {
    return PyMem_Calloc(size > 0 ? (size_t)size : 1, sizeof(Py_ssize_t));
}

/* `seq` as a fast sequence of n entries, or NULL with an error naming `what`. */
static PyObject *per_item(PyObject *seq, Py_ssize_t n, const char *what) {
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

static int graph_read(Graph *g, PyObject *layers, PyObject *up, PyObject *down) {
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

static PyObject *layers_list(const Py_ssize_t *layer_at, const Py_ssize_t *items, Py_ssize_t count) {
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
static int write_back(PyObject *layers, const Graph *g) {
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

static int compare_positions(const void *a, const void *b) {
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

static void sort_positions(Py_ssize_t *values, Py_ssize_t size) {
    if (size < 16) {
        for (Py_ssize_t i = 1; i < size; i++) {
            Py_ssize_t v = values[i], j = i;
            for (; j > 0 && values[j - 1] > v; j--) values[j] = values[j - 1];
            values[j] = v;
        }
    } else {
        qsort(values, (size_t)size, sizeof(Py_ssize_t), compare_positions);
    }
}

/* Crossings between layer k and the next: pairs of edges whose upper ends stand in one order and
 * lower ends in the other. Each edge counts the earlier edges (by upper end) that end after it. */
static long long count_crossings(Graph *g, Py_ssize_t k) {
    Py_ssize_t width = g->layer_at[k + 2] - g->layer_at[k + 1];
    Py_ssize_t *tree = g->tree;
    memset(tree, 0, (size_t)(width + 1) * sizeof(Py_ssize_t));
    long long crossings = 0, seen = 0;
    for (Py_ssize_t i = g->layer_at[k]; i < g->layer_at[k + 1]; i++) {
        Py_ssize_t u = g->items[i];
        Py_ssize_t a = g->down_at[u], b = g->down_at[u + 1];
        for (Py_ssize_t e = a; e < b; e++) {
            Py_ssize_t at = g->pos[g->down_to[e]] + 1, not_after = 0;
            for (Py_ssize_t j = at; j > 0; j -= j & -j) not_after += tree[j];
            crossings += seen - not_after;
        }
        for (Py_ssize_t e = a; e < b; e++) {
            for (Py_ssize_t j = g->pos[g->down_to[e]] + 1; j <= width; j += j & -j) tree[j]++;
            seen++;
        }
    }
    return crossings;
}

static long long total_crossings(Graph *g) {
    long long total = 0;
    for (Py_ssize_t k = 0; k + 1 < g->count; k++) total += count_crossings(g, k);
    return total;
}

typedef struct {
    int median;  /* the weighted median, or else the barycentre */
    int hold;    /* items without neighbours keep their place */
} Rule;

/* The rule's value of an item's sorted neighbour positions; 0 when it has none. */
static int rule_value(const Rule *rule, const Py_ssize_t *p, Py_ssize_t count, double *out) {
    if (count == 0) return 0;
    if (!rule->median) {
        long long sum = 0;
        for (Py_ssize_t i = 0; i < count; i++) sum += p[i];
        *out = (double)sum / (double)count;
        return 1;
    }
    Py_ssize_t m = count / 2;
    if (count % 2) {
        *out = (double)p[m];
    } else if (count == 2) {
        *out = (double)(p[0] + p[1]) / 2.0;
    } else {
        long long left = p[m - 1] - p[0], right = p[count - 1] - p[m];
        if (left + right == 0)
            *out = (double)(p[m - 1] + p[m]) / 2.0;
        else
            *out = (double)((long long)p[m - 1] * right + (long long)p[m] * left) / (double)(left + right);
    }
    return 1;
}

/* Whether index i sorts before index j: by value, then by tie (ties are distinct, so the order is
 * total and any sort gives the same result). */
static inline int keyed_before(Py_ssize_t i, Py_ssize_t j, const double *value, const Py_ssize_t *tie) {
    return value[i] < value[j] || (value[i] == value[j] && tie[i] < tie[j]);
}

/* Sorts the indices `idx` by (value, tie): a merge sort with the comparisons inlined, insertion
 * sort on short runs, nothing at all for a run already in order (most layers, after a few sweeps).
 * `merge` holds n entries of scratch. */
static void sort_keyed(Py_ssize_t *idx, Py_ssize_t n, const double *value, const Py_ssize_t *tie, Py_ssize_t *merge) {
    Py_ssize_t i = 1;
    while (i < n && !keyed_before(idx[i], idx[i - 1], value, tie)) i++;
    if (i >= n) return;
    if (n <= 16) {
        for (; i < n; i++) {
            Py_ssize_t x = idx[i], j = i;
            while (j > 0 && keyed_before(x, idx[j - 1], value, tie)) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = x;
        }
        return;
    }
    Py_ssize_t half = n / 2;
    sort_keyed(idx, half, value, tie, merge);
    sort_keyed(idx + half, n - half, value, tie, merge);
    if (!keyed_before(idx[half], idx[half - 1], value, tie)) return;
    memcpy(merge, idx, (size_t)half * sizeof(Py_ssize_t));
    Py_ssize_t a = 0, b = half, out = 0;
    while (a < half && b < n) idx[out++] = keyed_before(idx[b], merge[a], value, tie) ? idx[b++] : merge[a++];
    while (a < half) idx[out++] = merge[a++];
}

/* Sorts layer k by the rule's value of each item's neighbours on the fixed side; ties keep their
 * order, or reverse it with `reverse`. Items without a value hold their places (`rule.hold`) or
 * take the value of the item before them. */
static void reorder(Graph *g, Py_ssize_t k, int downward, const Rule *rule, int reverse) {
    const Py_ssize_t *at = downward ? g->up_at : g->down_at;
    const Py_ssize_t *to = downward ? g->up_to : g->down_to;
    Py_ssize_t first = g->layer_at[k], size = g->layer_at[k + 1] - first;
    Py_ssize_t *tie = g->tie;
    char *has = g->has;
    Py_ssize_t valued = 0;
    double previous = -1.0;
    for (Py_ssize_t i = 0; i < size; i++) {
        Py_ssize_t item = g->items[first + i], a = at[item], b = at[item + 1];
        double v = 0.0;
        int known;
        if (b - a == 1) {
            v = (double)g->pos[to[a]];
            known = 1;
        } else {
            for (Py_ssize_t e = a; e < b; e++) g->ends[e - a] = g->pos[to[e]];
            sort_positions(g->ends, b - a);
            known = rule_value(rule, g->ends, b - a, &v);
        }
        if (!known && !rule->hold) {
            v = previous;
            known = 1;
        }
        if (known) {
            previous = v;
            g->order[valued++] = i;
        }
        has[i] = (char)known;
        g->value[i] = v;
        tie[i] = reverse ? -i : i;
    }
    sort_keyed(g->order, valued, g->value, tie, g->merge);
    /* the sorted items fill the valued places in turn; the others stay */
    Py_ssize_t *layer = g->items + first, *placed = g->placed, next = 0;
    for (Py_ssize_t i = 0; i < size; i++) placed[i] = has[i] ? layer[g->order[next++]] : layer[i];
    for (Py_ssize_t i = 0; i < size; i++) {
        layer[i] = placed[i];
        g->pos[placed[i]] = i;
    }
}

/* Pairs (x in a, y in b) with x > y; both sorted. */
static long long side_crossings(const Py_ssize_t *a, Py_ssize_t na, const Py_ssize_t *b, Py_ssize_t nb) {
    if (!na || !nb || a[na - 1] <= b[0]) return 0;
    long long count = 0;
    Py_ssize_t j = 0;
    for (Py_ssize_t i = 0; i < na; i++) {
        while (j < nb && b[j] < a[i]) j++;
        count += j;
    }
    return count;
}

static void pair_crossings(const Py_ssize_t *a, Py_ssize_t na, const Py_ssize_t *b, Py_ssize_t nb, long long *keep,
                           long long *swap) {
    if (!na || !nb) {
        *keep = *swap = 0;
    } else if (na == 1 && nb == 1) {
        *keep = a[0] > b[0];
        *swap = b[0] > a[0];
    } else {
        *keep = side_crossings(a, na, b, nb);
        *swap = side_crossings(b, nb, a, na);
    }
}

/* Each item's sorted neighbour positions on one side, for the items of layer k. */
static void neighbour_positions(Graph *g, Py_ssize_t k, const Py_ssize_t *at, const Py_ssize_t *to, Py_ssize_t *out) {
    for (Py_ssize_t i = g->layer_at[k]; i < g->layer_at[k + 1]; i++) {
        Py_ssize_t item = g->items[i];
        for (Py_ssize_t e = at[item]; e < at[item + 1]; e++) out[e] = g->pos[to[e]];
        sort_positions(out + at[item], at[item + 1] - at[item]);
    }
}

/* Swaps neighbours in every layer while that removes crossings (or, with `reverse`, keeps them
 * equal), revisiting only layers next to a change; spends `work` (items visited plus pairs
 * compared) and stops when it runs out. */
static int transpose(Graph *g, int reverse, long long *work, long max_rounds) {
    Py_ssize_t count = g->count;
    char *dirty = PyMem_Malloc(count > 0 ? (size_t)count : 1);
    char *touched = PyMem_Malloc(count > 0 ? (size_t)count : 1);
    if (!dirty || !touched) {
        PyMem_Free(dirty);
        PyMem_Free(touched);
        PyErr_NoMemory();
        return -1;
    }
    memset(dirty, 1, (size_t)count);
    for (long round = 0; round < max_rounds; round++) {
        if (*work <= 0) break;
        long long gain = 0;
        memset(touched, 0, (size_t)count);
        for (Py_ssize_t k = 0; k < count; k++) {
            if (!dirty[k]) continue;
            neighbour_positions(g, k, g->up_at, g->up_to, g->up_pos);
            neighbour_positions(g, k, g->down_at, g->down_to, g->down_pos);
            Py_ssize_t first = g->layer_at[k], size = g->layer_at[k + 1] - first;
            Py_ssize_t *layer = g->items + first;
            long long compared = size;
            int swapped = 0;
            for (Py_ssize_t i = 0; i + 1 < size; i++) {
                Py_ssize_t a = layer[i], b = layer[i + 1];
                long long keep_up, swap_up, keep_down, swap_down;
                pair_crossings(g->up_pos + g->up_at[a], g->up_at[a + 1] - g->up_at[a], g->up_pos + g->up_at[b],
                               g->up_at[b + 1] - g->up_at[b], &keep_up, &swap_up);
                pair_crossings(g->down_pos + g->down_at[a], g->down_at[a + 1] - g->down_at[a],
                               g->down_pos + g->down_at[b], g->down_at[b + 1] - g->down_at[b], &keep_down,
                               &swap_down);
                long long keep = keep_up + keep_down;
                if (keep == 0) continue;
                compared++;
                long long swap = swap_up + swap_down;
                if (swap < keep || (reverse && swap == keep)) {
                    layer[i] = b;
                    layer[i + 1] = a;
                    g->pos[b] = i;
                    g->pos[a] = i + 1;
                    gain += keep - swap;
                    swapped = 1;
                }
            }
            *work -= compared;
            if (swapped) {
                for (Py_ssize_t j = k - 1; j <= k + 1; j++)
                    if (j >= 0 && j < count) touched[j] = 1;
            }
        }
        memcpy(dirty, touched, (size_t)count);
        if (gain <= 0) break;
    }
    PyMem_Free(dirty);
    PyMem_Free(touched);
    return 0;
}

/* Sifting: each item of a layer, the busiest first, taken out and put back where it crosses least
 * with both neighbouring layers. Returns the crossings removed; spends `work` (pairs compared). */
static long long sift(Graph *g, long long *work) {
    long long gained = 0;
    for (Py_ssize_t k = 0; k < g->count; k++) {
        Py_ssize_t first = g->layer_at[k], size = g->layer_at[k + 1] - first;
        if (size < 3 || *work <= 0) continue;
        neighbour_positions(g, k, g->up_at, g->up_to, g->up_pos);
        neighbour_positions(g, k, g->down_at, g->down_to, g->down_pos);
        Py_ssize_t *layer = g->items + first, *others = g->placed;
        /* the busiest first, then by place; the keys are taken before anything moves */
        for (Py_ssize_t i = 0; i < size; i++) {
            Py_ssize_t item = layer[i];
            g->order[i] = i;
            g->value[i] = -(double)(g->up_at[item + 1] - g->up_at[item] + g->down_at[item + 1] - g->down_at[item]);
            g->tie[i] = i;
        }
        sort_keyed(g->order, size, g->value, g->tie, g->merge);
        for (Py_ssize_t i = 0; i < size; i++) g->order[i] = layer[g->order[i]];  /* indices to items */
        for (Py_ssize_t s = 0; s < size; s++) {
            Py_ssize_t item = g->order[s];
            const Py_ssize_t *a_up = g->up_pos + g->up_at[item], *a_down = g->down_pos + g->down_at[item];
            Py_ssize_t na_up = g->up_at[item + 1] - g->up_at[item], na_down = g->down_at[item + 1] - g->down_at[item];
            if (!na_up && !na_down) continue;
            *work -= size;
            Py_ssize_t at = g->pos[item], count = 0;
            for (Py_ssize_t i = 0; i < size; i++)
                if (layer[i] != item) others[count++] = layer[i];
            long long best = 0, running = 0, current = 0;
            Py_ssize_t best_at = 0;
            for (Py_ssize_t i = 0; i < count; i++) {
                Py_ssize_t other = others[i];
                long long before_up, after_up, before_down, after_down;
                pair_crossings(a_up, na_up, g->up_pos + g->up_at[other], g->up_at[other + 1] - g->up_at[other],
                               &before_up, &after_up);
                pair_crossings(a_down, na_down, g->down_pos + g->down_at[other],
                               g->down_at[other + 1] - g->down_at[other], &before_down, &after_down);
                running += after_up + after_down - before_up - before_down;
                if (i < at) current = running;
                if (running < best) {
                    best = running;
                    best_at = i + 1;
                }
            }
            if (best < current) {
                gained += current - best;
                for (Py_ssize_t i = 0, j = 0; i < size; i++) layer[i] = i == best_at ? item : others[j++];
                for (Py_ssize_t i = 0; i < size; i++) g->pos[layer[i]] = i;
            }
        }
    }
    return gained;
}

static PyObject *py_sweeps(PyObject *self, PyObject *args) {
    PyObject *layers, *up, *down;
    long iterations, min_quit, max_rounds;
    int median, hold, with_transpose;
    long long work;
    double convergence;
    if (!PyArg_ParseTuple(args, "OOOlppLpldl", &layers, &up, &down, &iterations, &median, &hold, &work,
                          &with_transpose, &min_quit, &convergence, &max_rounds))
        return NULL;
    Graph g;
    if (graph_read(&g, layers, up, down) < 0) {
        graph_free(&g);
        return NULL;
    }
    Rule rule = {median, hold};
    Py_ssize_t *best = new_array(g.n);
    PyObject *result = NULL;
    if (!best) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(best, g.items, (size_t)g.n * sizeof(Py_ssize_t));
    long long best_count = total_crossings(&g);
    long trying = 0;
    for (long iteration = 0; iteration < iterations; iteration++) {
        if (best_count == 0 || trying >= min_quit || work <= 0) break;
        trying++;
        int downward = iteration % 2 == 0, reverse = iteration % 4 < 2;
        for (Py_ssize_t step = 1; step < g.count; step++) {
            Py_ssize_t k = downward ? step : g.count - 1 - step;
            reorder(&g, k, downward, &rule, reverse);
            work -= g.layer_at[k + 1] - g.layer_at[k];
        }
        if (with_transpose && transpose(&g, !reverse, &work, max_rounds) < 0) goto done;
        long long crossings = total_crossings(&g);
        if (crossings <= best_count) {
            if ((double)crossings < convergence * (double)best_count) trying = 0;
            memcpy(best, g.items, (size_t)g.n * sizeof(Py_ssize_t));
            best_count = crossings;
        }
    }
    if (write_back(layers, &g) < 0) goto done;
    PyObject *order = layers_list(g.layer_at, best, g.count);
    if (order) result = Py_BuildValue("(NLL)", order, best_count, work);
done:
    PyMem_Free(best);
    graph_free(&g);
    return result;
}

static PyObject *py_transpose(PyObject *self, PyObject *args) {
    PyObject *layers, *up, *down;
    int reverse;
    long long work;
    long max_rounds;
    if (!PyArg_ParseTuple(args, "OOOpLl", &layers, &up, &down, &reverse, &work, &max_rounds)) return NULL;
    Graph g;
    PyObject *result = NULL;
    if (graph_read(&g, layers, up, down) == 0 && transpose(&g, reverse, &work, max_rounds) == 0 &&
        write_back(layers, &g) == 0)
        result = Py_BuildValue("(LL)", total_crossings(&g), work);
    graph_free(&g);
    return result;
}

static PyObject *py_sift(PyObject *self, PyObject *args) {
    PyObject *layers, *up, *down;
    long long work;
    if (!PyArg_ParseTuple(args, "OOOL", &layers, &up, &down, &work)) return NULL;
    Graph g;
    PyObject *result = NULL;
    if (graph_read(&g, layers, up, down) == 0) {
        long long gained = sift(&g, &work);
        if (write_back(layers, &g) == 0) result = Py_BuildValue("(LL)", gained, work);
    }
    graph_free(&g);
    return result;
}

static PyObject *py_total_crossings(PyObject *self, PyObject *args) {
    PyObject *layers, *up, *down;
    if (!PyArg_ParseTuple(args, "OOO", &layers, &up, &down)) return NULL;
    Graph g;
    PyObject *result = NULL;
    if (graph_read(&g, layers, up, down) == 0) result = PyLong_FromLongLong(total_crossings(&g));
    graph_free(&g);
    return result;
}

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

static int read_flags(PyObject *seq, Py_ssize_t n, char *out, Py_ssize_t *numbers) {
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

static PyObject *py_rows(PyObject *self, PyObject *args) {
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

static PyObject *py_snap(PyObject *self, PyObject *arg) {
    (void)self;
    double value = PyFloat_AsDouble(arg);
    if (value == -1.0 && PyErr_Occurred()) return NULL;
    return PyFloat_FromDouble(snap(value));
}

static PyObject *py_routes(PyObject *self, PyObject *args) {
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

/* Network simplex (`simplex.py`): the same tree, the same order of adjacency lists, the same
 * leaving and entering edges, so the same ranks. */
typedef struct {
    Py_ssize_t n, m;
    Py_ssize_t *tail, *head;
    long long *minlen, *weight, *rank, *cut;
    Py_ssize_t *inc_at, *inc;     /* incident edges per node, in edge order */
    Py_ssize_t *adj_count, *adj;  /* tree edges per node, at inc_at offsets, in insertion order */
    char *in_tree;
    Py_ssize_t *parent, *depth, *mark, stamp;
    Py_ssize_t *queue;            /* scratch: a walk's nodes */
    Py_ssize_t *negative, negatives, negative_room;
} Simplex;

static void simplex_free(Simplex *s) {
    PyMem_Free(s->tail); PyMem_Free(s->head); PyMem_Free(s->minlen); PyMem_Free(s->weight); PyMem_Free(s->rank);
    PyMem_Free(s->cut); PyMem_Free(s->inc_at); PyMem_Free(s->inc); PyMem_Free(s->adj_count); PyMem_Free(s->adj);
    PyMem_Free(s->in_tree); PyMem_Free(s->parent); PyMem_Free(s->depth); PyMem_Free(s->mark); PyMem_Free(s->queue);
    PyMem_Free(s->negative);
}

static Py_ssize_t other_end(const Simplex *s, Py_ssize_t e, Py_ssize_t node) {
    return s->tail[e] == node ? s->head[e] : s->tail[e];
}

static void tree_add(Simplex *s, Py_ssize_t e) {
    Py_ssize_t ends[2] = {s->tail[e], s->head[e]};
    for (int k = 0; k < 2; k++) s->adj[s->inc_at[ends[k]] + s->adj_count[ends[k]]++] = e;
    s->in_tree[e] = 1;
}

static void tree_remove(Simplex *s, Py_ssize_t e) {
    Py_ssize_t ends[2] = {s->tail[e], s->head[e]};
    for (int k = 0; k < 2; k++) {
        Py_ssize_t *list = s->adj + s->inc_at[ends[k]], count = s->adj_count[ends[k]], i = 0;
        while (i < count && list[i] != e) i++;
        for (; i + 1 < count; i++) list[i] = list[i + 1];
        s->adj_count[ends[k]]--;
    }
    s->in_tree[e] = 0;
}

static int push_negative(Simplex *s, Py_ssize_t e) {
    if (s->negatives == s->negative_room) {
        Py_ssize_t room = s->negative_room ? 2 * s->negative_room : 64;
        Py_ssize_t *grown = PyMem_Realloc(s->negative, (size_t)room * sizeof(Py_ssize_t));
        if (!grown) {
            PyErr_NoMemory();
            return -1;
        }
        s->negative = grown;
        s->negative_room = room;
    }
    s->negative[s->negatives++] = e;
    return 0;
}

/* A spanning tree of tight edges, shifting ranks of the growing tree to make edges tight. */
static int feasible_tree(Simplex *s) {
    char *member = PyMem_Calloc((size_t)s->n, 1);
    Py_ssize_t *frontier = s->queue, top = 0, size = 1;
    if (!member) {
        PyErr_NoMemory();
        return -1;
    }
    member[0] = 1;
    frontier[top++] = 0;
    for (;;) {
        while (top) {
            Py_ssize_t node = frontier[--top];
            for (Py_ssize_t i = s->inc_at[node]; i < s->inc_at[node + 1]; i++) {
                Py_ssize_t e = s->inc[i], other = other_end(s, e, node);
                if (!member[other] && s->rank[s->head[e]] - s->rank[s->tail[e]] == s->minlen[e]) {
                    member[other] = 1;
                    size++;
                    tree_add(s, e);
                    frontier[top++] = other;
                }
            }
        }
        if (size == s->n) break;
        Py_ssize_t best = -1;
        long long best_slack = 0;
        for (Py_ssize_t e = 0; e < s->m; e++) {
            if (member[s->tail[e]] != member[s->head[e]]) {
                long long slack = s->rank[s->head[e]] - s->rank[s->tail[e]] - s->minlen[e];
                if (best < 0 || slack < best_slack) {
                    best = e;
                    best_slack = slack;
                    if (slack == 0) break;
                }
            }
        }
        if (best < 0) {
            PyMem_Free(member);
            PyErr_SetString(PyExc_ValueError, "the graph is not connected");
            return -1;
        }
        long long delta = member[s->head[best]] ? -best_slack : best_slack;
        for (Py_ssize_t node = 0; node < s->n; node++)
            if (member[node]) s->rank[node] += delta;
        frontier[top++] = member[s->tail[best]] ? s->tail[best] : s->head[best];
    }
    PyMem_Free(member);
    return 0;
}

/* Parent edges and depths in the subtree of `top`, which hangs from `edge`; its nodes, parents
 * before children, into `queue`; returns their count. */
static Py_ssize_t hang(Simplex *s, Py_ssize_t top, Py_ssize_t edge, Py_ssize_t depth) {
    Py_ssize_t *order = s->queue, count = 1;
    s->parent[top] = edge;
    s->depth[top] = depth;
    order[0] = top;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t node = order[k], below = s->depth[node] + 1;
        for (Py_ssize_t i = 0; i < s->adj_count[node]; i++) {
            Py_ssize_t e = s->adj[s->inc_at[node] + i];
            if (e != s->parent[node]) {
                Py_ssize_t child = other_end(s, e, node);
                s->parent[child] = e;
                s->depth[child] = below;
                order[count++] = child;
            }
        }
    }
    return count;
}

/* The nodes below `top` (itself included), each marked with a new stamp, into `queue`. */
static Py_ssize_t subtree(Simplex *s, Py_ssize_t top) {
    Py_ssize_t *nodes = s->queue, count = 1;
    s->stamp++;
    s->mark[top] = s->stamp;
    nodes[0] = top;
    for (Py_ssize_t k = 0; k < count; k++) {
        Py_ssize_t node = nodes[k];
        for (Py_ssize_t i = 0; i < s->adj_count[node]; i++) {
            Py_ssize_t e = s->adj[s->inc_at[node] + i];
            if (e != s->parent[node]) {
                Py_ssize_t child = other_end(s, e, node);
                s->mark[child] = s->stamp;
                nodes[count++] = child;
            }
        }
    }
    return count;
}

static long long cut_value(const Simplex *s, Py_ssize_t child) {
    Py_ssize_t pe = s->parent[child];
    int child_is_tail = s->tail[pe] == child;
    long long value = s->weight[pe];
    for (Py_ssize_t i = s->inc_at[child]; i < s->inc_at[child + 1]; i++) {
        Py_ssize_t e = s->inc[i];
        if (e == pe) continue;
        int points_to_head = (s->tail[e] == child) == child_is_tail;
        value += points_to_head ? s->weight[e] : -s->weight[e];
        if (s->in_tree[e]) value += points_to_head ? -s->cut[e] : s->cut[e];
    }
    return value;
}

static Py_ssize_t parent_of(const Simplex *s, Py_ssize_t node) { return other_end(s, s->parent[node], node); }

static int path_update(Simplex *s, Py_ssize_t v, Py_ssize_t top, long long value, int forward) {
    while (v != top) {
        Py_ssize_t pe = s->parent[v];
        if ((v == s->tail[pe]) == forward)
            s->cut[pe] += value;
        else
            s->cut[pe] -= value;
        if (s->cut[pe] < 0 && push_negative(s, pe) < 0) return -1;
        v = parent_of(s, v);
    }
    return 0;
}

static int simplex_run(Simplex *s, long max_exchanges) {
    if (feasible_tree(s) < 0) return -1;
    Py_ssize_t count = hang(s, 0, -1, 0);
    for (Py_ssize_t k = count - 1; k >= 1; k--) {
        Py_ssize_t child = s->queue[k];
        s->cut[s->parent[child]] = cut_value(s, child);
    }
    for (Py_ssize_t e = 0; e < s->m; e++)
        if (s->in_tree[e] && s->cut[e] < 0 && push_negative(s, e) < 0) return -1;
    Py_ssize_t *moved = PyMem_Malloc((size_t)s->n * sizeof(Py_ssize_t));
    if (!moved) {
        PyErr_NoMemory();
        return -1;
    }
    for (long exchanges = 0; exchanges < max_exchanges; exchanges++) {
        Py_ssize_t leaving = -1;
        while (s->negatives) {
            Py_ssize_t e = s->negative[--s->negatives];
            if (s->in_tree[e] && s->cut[e] < 0) {
                leaving = e;
                break;
            }
        }
        if (leaving < 0) break;
        /* entering: the non-tree edge of least slack across the cut, in the direction that can
         * replace `leaving` */
        Py_ssize_t u = s->tail[leaving], v = s->head[leaving];
        int outward = s->parent[u] != leaving;
        Py_ssize_t top = outward ? v : u, size = subtree(s, top);
        memcpy(moved, s->queue, (size_t)size * sizeof(Py_ssize_t));
        Py_ssize_t entering = -1;
        long long best_slack = 0;
        for (Py_ssize_t k = 0; k < size && !(entering >= 0 && best_slack == 0); k++) {
            Py_ssize_t node = moved[k];
            for (Py_ssize_t i = s->inc_at[node]; i < s->inc_at[node + 1]; i++) {
                Py_ssize_t e = s->inc[i];
                if (s->in_tree[e] || (s->tail[e] == node) != outward) continue;
                if (s->mark[outward ? s->head[e] : s->tail[e]] == s->stamp) continue;
                long long slack = s->rank[s->head[e]] - s->rank[s->tail[e]] - s->minlen[e];
                if (entering < 0 || slack < best_slack) {
                    entering = e;
                    best_slack = slack;
                    if (slack == 0) break;
                }
            }
        }
        if (entering < 0) break;
        /* the exchange */
        Py_ssize_t tail = s->tail[entering], head = s->head[entering];
        int inside = s->mark[tail] == s->stamp;
        long long slack = s->rank[head] - s->rank[tail] - s->minlen[entering];
        if (slack) {
            long long shift = inside ? slack : -slack;
            for (Py_ssize_t k = 0; k < size; k++) s->rank[moved[k]] += shift;
        }
        long long value = s->cut[leaving];
        Py_ssize_t a = tail, b = head;
        while (s->depth[a] > s->depth[b]) a = parent_of(s, a);
        while (s->depth[b] > s->depth[a]) b = parent_of(s, b);
        while (a != b) {
            a = parent_of(s, a);
            b = parent_of(s, b);
        }
        if (path_update(s, tail, a, value, 1) < 0 || path_update(s, head, a, value, 0) < 0) {
            PyMem_Free(moved);
            return -1;
        }
        s->cut[entering] = -value;
        s->cut[leaving] = 0;
        tree_remove(s, leaving);
        tree_add(s, entering);
        Py_ssize_t low = inside ? tail : head, high = inside ? head : tail;
        hang(s, low, entering, s->depth[high] + 1);
    }
    PyMem_Free(moved);
    return 0;
}

static int read_numbers(PyObject *seq, Py_ssize_t count, long long *out, const char *what) {
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

static PyObject *py_simplex(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *tails, *heads, *minlen, *weight, *rank;
    Py_ssize_t n;
    long max_exchanges;
    if (!PyArg_ParseTuple(args, "nOOOOOl", &n, &tails, &heads, &minlen, &weight, &rank, &max_exchanges)) return NULL;
    Simplex s;
    memset(&s, 0, sizeof s);
    PyObject *result = NULL;
    s.n = n;
    s.m = PySequence_Size(tails);
    if (s.m < 0 || n < 1) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "a simplex needs nodes");
        return NULL;
    }
    long long *numbers = NULL;
    s.tail = new_array(s.m); s.head = new_array(s.m);
    s.minlen = PyMem_Calloc((size_t)s.m + 1, sizeof(long long));
    s.weight = PyMem_Calloc((size_t)s.m + 1, sizeof(long long));
    s.cut = PyMem_Calloc((size_t)s.m + 1, sizeof(long long));
    s.rank = PyMem_Calloc((size_t)n, sizeof(long long));
    s.inc_at = new_array(n + 1); s.inc = new_array(2 * s.m); s.adj_count = new_array(n); s.adj = new_array(2 * s.m);
    s.in_tree = PyMem_Calloc((size_t)s.m + 1, 1);
    s.parent = new_array(n); s.depth = new_array(n); s.mark = new_array(n); s.queue = new_array(n);
    numbers = PyMem_Calloc((size_t)s.m + 1, sizeof(long long));
    if (!s.tail || !s.head || !s.minlen || !s.weight || !s.cut || !s.rank || !s.inc_at || !s.inc || !s.adj_count ||
        !s.adj || !s.in_tree || !s.parent || !s.depth || !s.mark || !s.queue || !numbers) {
        PyErr_NoMemory();
        goto done;
    }
    if (read_numbers(tails, s.m, numbers, "tails") < 0) goto done;
    for (Py_ssize_t e = 0; e < s.m; e++) s.tail[e] = (Py_ssize_t)numbers[e];
    if (read_numbers(heads, s.m, numbers, "heads") < 0) goto done;
    for (Py_ssize_t e = 0; e < s.m; e++) s.head[e] = (Py_ssize_t)numbers[e];
    if (read_numbers(minlen, s.m, s.minlen, "minlen") < 0 || read_numbers(weight, s.m, s.weight, "weight") < 0 ||
        read_numbers(rank, n, s.rank, "rank") < 0)
        goto done;
    for (Py_ssize_t e = 0; e < s.m; e++) {
        if (s.tail[e] < 0 || s.tail[e] >= n || s.head[e] < 0 || s.head[e] >= n) {
            PyErr_SetString(PyExc_ValueError, "an edge's end is not a node");
            goto done;
        }
        s.inc_at[s.tail[e] + 1]++;
        s.inc_at[s.head[e] + 1]++;
    }
    for (Py_ssize_t v = 0; v < n; v++) s.inc_at[v + 1] += s.inc_at[v];
    {
        Py_ssize_t *fill = new_array(n);
        if (!fill) {
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t e = 0; e < s.m; e++) {
            s.inc[s.inc_at[s.tail[e]] + fill[s.tail[e]]++] = e;
            s.inc[s.inc_at[s.head[e]] + fill[s.head[e]]++] = e;
        }
        PyMem_Free(fill);
    }
    for (Py_ssize_t v = 0; v < n; v++) s.parent[v] = -1;
    if (simplex_run(&s, max_exchanges) < 0) goto done;
    result = PyList_New(n);
    if (!result) goto done;
    for (Py_ssize_t v = 0; v < n; v++) {
        PyObject *r = PyLong_FromLongLong(s.rank[v]);
        if (!r) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, v, r);
    }
done:
    PyMem_Free(numbers);
    simplex_free(&s);
    return result;
}

/* layering.greedy_columns: Kahn's topological order (ready nodes first come first served), the
 * longest-path columns, then the greedy passes that move each node that is not pinned towards its
 * busier side, up to `max_passes` passes. NULL with ValueError on a cycle. */
static PyObject *py_greedy_columns(PyObject *self, PyObject *args) {
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

static PyMethodDef methods[] = {
    {"sweeps", py_sweeps, METH_VARARGS,
     "sweeps(layers, up, down, iterations, median, hold, work, transpose, min_quit, convergence, max_rounds)"
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
