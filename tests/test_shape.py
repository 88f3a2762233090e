"""The pipeline's shape is declared once: the runners' order, the progress percentages and the
Celery canvas all follow the declaration, and a stage declared or written in one place only is
refused."""

from __future__ import annotations

import pytest

from analytics_maestro.pipeline import stages
from analytics_maestro.pipeline.diagram import PRODUCTS, STEPS
from analytics_maestro.pipeline.shape import PIPELINE, Parallel, Pipeline, ShapeError, Stage

NINE = ("entry", "graphlookup", "network", "enrichment", "info", "clients", "draw", "publish", "notification")


def test_the_declared_pipeline_is_maestros_nine_stages():
    assert PIPELINE.order == NINE
    assert [PIPELINE.percent[name] for name in NINE] == [5, 20, 50, 60, 65, 70, 85, 95, 100]
    assert PIPELINE.plan() == (
        "entry", "graphlookup", "network",
        Parallel((("enrichment", "draw", "publish"), ("info", "clients"))),
        "notification",
    )  # fmt: skip


def test_every_product_read_or_written_has_an_artefact():
    used = {p for stage in PIPELINE.stages for p in (*stage.reads, *stage.writes)}
    assert used == set(PRODUCTS)
    assert len({product.file for product in PRODUCTS.values()}) == len(PRODUCTS)


def test_the_runners_run_what_is_declared_in_its_order():
    assert tuple(stages.STAGES) == PIPELINE.order
    assert [stage.__name__ for stage in stages.ORDER] == list(PIPELINE.order)


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ((Stage("a", 10), Stage("b", 20, ("z",))), "stage 'b' follows 'z', which is not declared before it"),
        ((Stage("a", 10), Stage("b", 20)), "stage 'b': only the first stage follows none"),
        ((Stage("a", 10), Stage("b", 20, ("a",), reads=("grid",))), "stage 'b' reads 'grid', which no stage"),
        ((Stage("a", 50), Stage("b", 20, ("a",))), "stage 'b': percent 20 does not grow towards 100"),
        ((Stage("a", 10), Stage("b", 20, ("a",)), Stage("c", 30, ("a",))), "must end in one stage, not in b, c"),
        ((Stage("a", 10), Stage("a", 20, ("a",))), "a stage is declared twice"),
    ],
)
def test_a_declaration_the_runners_cannot_follow_is_refused(declared, message):
    with pytest.raises(ShapeError, match=message):
        Pipeline(*declared)


def test_a_shape_that_does_not_nest_is_refused():
    # b and c both fork; d joins a and b's branch only: no sequence of chains and chords runs it
    pipeline = Pipeline(
        Stage("a", 10), Stage("b", 20, ("a",)), Stage("c", 30, ("a",)), Stage("d", 40, ("b", "c")),
        Stage("e", 50, ("b",)), Stage("f", 100, ("d", "e")),
    )  # fmt: skip
    with pytest.raises(ShapeError, match="do not nest"):
        pipeline.plan()


def test_a_stage_written_but_not_declared_or_declared_but_not_written_is_refused():
    service = {"publish": stages.publish, "notification": stages.notification}
    with pytest.raises(ShapeError, match="do not match: extra"):
        stages.implement(PIPELINE.order, [*STEPS, "extra"], service)
    with pytest.raises(ShapeError, match="do not match: publish"):
        stages.implement(PIPELINE.order, STEPS, {"notification": stages.notification})
    with pytest.raises(ShapeError, match="do not match: draw"):
        stages.implement(PIPELINE.order, STEPS, {**service, "draw": stages.publish})


def _tasks(signature) -> list[str]:
    """The stage names of a canvas, in the order its parts are listed."""
    from celery.canvas import _chain, chord, group

    if isinstance(signature, _chain):
        return [name for part in signature.tasks for name in _tasks(part)]
    if isinstance(signature, chord):
        return [name for part in signature.tasks for name in _tasks(part)] + _tasks(signature.body)
    if isinstance(signature, group):
        return [name for part in signature.tasks for name in _tasks(part)]
    return [signature.args[2]]


def test_the_celery_canvas_is_the_declared_shape():
    from celery.canvas import _chain, chord

    from analytics_maestro.config import Settings
    from analytics_maestro.pipeline.remote import TASK, canvas, make_app

    app = make_app(Settings.from_env({}))
    run = canvas(app, "g1", 3)
    assert isinstance(run, _chain) and [t.args[2] for t in run.tasks[:3]] == ["entry", "graphlookup", "network"]
    join = run.tasks[3]
    assert isinstance(join, chord) and join.body.args == ("g1", 3, "notification")
    assert [_tasks(branch) for branch in join.tasks] == [["enrichment", "draw", "publish"], ["info", "clients"]]
    assert sorted(_tasks(run)) == sorted(PIPELINE.order)
    assert all(part.task == TASK for part in run.tasks[:3])

    # a stage added to the declaration is in the canvas, where the declaration puts it
    longer = Pipeline(*PIPELINE.stages[:-1], Stage("archive", 99, ("clients",)),
                      Stage("notification", 100, ("publish", "archive")))  # fmt: skip
    assert _tasks(canvas(app, "g1", 3, longer))[-3:] == ["clients", "archive", "notification"]
