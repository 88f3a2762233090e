#include "native.h"

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
PyObject *py_simplex(PyObject *self, PyObject *args) {
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
