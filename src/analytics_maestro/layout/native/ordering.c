/* `ordering.py`: crossing counts, median or barycentre sweeps, transposition and sifting. */

#include "native.h"

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

/* ordering.Value: which value of its neighbours' positions a sweep sorts an item by */
typedef enum { VALUE_MEDIAN = 1, VALUE_BARYCENTRE = 2 } Value;

typedef struct {
    Value value;
    int hold;  /* items without neighbours keep their place */
} Rule;

/* The rule's value of an item's sorted neighbour positions; 0 when it has none. */
static int rule_value(const Rule *rule, const Py_ssize_t *p, Py_ssize_t count, double *out) {
    if (count == 0) return 0;
    if (rule->value == VALUE_BARYCENTRE) {
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

PyObject *py_sweeps(PyObject *self, PyObject *args) {
    PyObject *layers, *up, *down;
    long iterations, min_quit, max_rounds;
    int value, hold, with_transpose;
    long long work;
    double convergence;
    if (!PyArg_ParseTuple(args, "OOOlipLpldl", &layers, &up, &down, &iterations, &value, &hold, &work,
                          &with_transpose, &min_quit, &convergence, &max_rounds))
        return NULL;
    if (value != VALUE_MEDIAN && value != VALUE_BARYCENTRE) {
        PyErr_Format(PyExc_ValueError, "unknown ordering value %d (known: %d median, %d barycentre)", value,
                     VALUE_MEDIAN, VALUE_BARYCENTRE);
        return NULL;
    }
    Graph g;
    if (graph_read(&g, layers, up, down) < 0) {
        graph_free(&g);
        return NULL;
    }
    Rule rule = {(Value)value, hold};
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

PyObject *py_transpose(PyObject *self, PyObject *args) {
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

PyObject *py_sift(PyObject *self, PyObject *args) {
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

PyObject *py_total_crossings(PyObject *self, PyObject *args) {
    PyObject *layers, *up, *down;
    if (!PyArg_ParseTuple(args, "OOO", &layers, &up, &down)) return NULL;
    Graph g;
    PyObject *result = NULL;
    if (graph_read(&g, layers, up, down) == 0) result = PyLong_FromLongLong(total_crossings(&g));
    graph_free(&g);
    return result;
}
