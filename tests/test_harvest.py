"""Lesson 03's ``#@save`` cells and the library are the same code.

The learner writes ``ArticleAutoencoder``, ``article_training_loop`` and
``build_dense_autoencoder`` in notebook 03; later lessons call the library's
copies in ``course_utils.models`` and ``course_utils.training``. These tests
read the notebook's JSON, execute its import cell and its ``#@save`` cells in a
fresh namespace, and check that both sides build the same layers with the same
parameter counts and initial weights, compute the same output for the same
weights, and train to the same loss history. Changing either side fails here.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "03_building_the_autoencoder.ipynb"
IMPORT_CELL = "nb03-02"
HARVESTED = {"ArticleAutoencoder", "article_training_loop", "build_dense_autoencoder"}
CHECK_START = "\nanswer = ..."  # where a #@save cell's definitions end and its check begins


def notebook_cells(path: Path = NOTEBOOK) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def cell_source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def saved_sources(path: Path = NOTEBOOK) -> list[str]:
    """The code cells whose first line is ``#@save``, in notebook order, up to their check.

    Each cell ends with the learner's check (``answer = ...``, ``exercises.x.check(answer)``),
    which falls back to the library's copy when it fails; the comparison runs the definitions alone.
    """
    return [
        cell_source(cell).split(CHECK_START)[0]
        for cell in notebook_cells(path)
        if cell["cell_type"] == "code" and cell_source(cell).lstrip().splitlines()[:1] == ["#@save"]
    ]


def execute_saved(sources=None) -> dict:
    """Run the notebook's import cell, then its ``#@save`` cells; return what they defined."""
    imports = next(cell_source(c) for c in notebook_cells() if c.get("id") == IMPORT_CELL)
    namespace: dict = {"__name__": "lesson03"}
    exec(compile(imports, f"{NOTEBOOK.name}[{IMPORT_CELL}]", "exec"), namespace)
    before = set(namespace)
    for index, source in enumerate(saved_sources() if sources is None else sources):
        exec(compile(source, f"{NOTEBOOK.name}[#@save {index}]", "exec"), namespace)
    return {name: namespace[name] for name in set(namespace) - before}


@pytest.fixture(scope="module")
def lesson(notebook_session):
    return execute_saved()


@pytest.fixture(scope="module")
def library(notebook_session):
    from course_utils import models, training

    return {
        "ArticleAutoencoder": models.ArticleAutoencoder,
        "article_training_loop": training.article_training_loop,
        "build_dense_autoencoder": models.build_dense_autoencoder,
    }


def leaf_layers(model):
    for layer in model.layers:
        if getattr(layer, "layers", None):
            yield from leaf_layers(layer)
        else:
            yield layer


def describe(model) -> list[tuple]:
    """Every layer that computes something: class, name pattern, width, activation, bias, initializers."""
    rows = []
    for layer in leaf_layers(model):
        if type(layer).__name__ == "InputLayer":
            continue
        rows.append(
            (
                type(layer).__name__,
                getattr(layer, "units", None),
                getattr(getattr(layer, "activation", None), "__name__", None),
                getattr(layer, "use_bias", None),
                type(getattr(layer, "kernel_initializer", None)).__name__,
                type(getattr(layer, "bias_initializer", None)).__name__,
                tuple(layer.kernel.shape) if getattr(layer, "kernel", None) is not None else None,
            )
        )
    return rows


def assert_same_builder(lesson_builder, library_builder, frame_length, code_size, hidden_sizes):
    import keras

    keras.utils.set_random_seed(0)
    ours = lesson_builder(frame_length, code_size, hidden_sizes)
    keras.utils.set_random_seed(0)
    theirs = library_builder(frame_length, code_size, hidden_sizes)
    for mine, reference in zip(ours, theirs):
        assert mine.name == reference.name
        assert describe(mine) == describe(reference), (describe(mine), describe(reference))
        assert [layer.name for layer in mine.layers] == [layer.name for layer in reference.layers]
        assert mine.count_params() == reference.count_params()
        assert (
            mine.input_shape == reference.input_shape
            and mine.output_shape == reference.output_shape
        )
    for mine, reference in zip(ours[0].get_weights(), theirs[0].get_weights()):
        np.testing.assert_array_equal(mine, reference)  # same seed, same initial weights
    frames = np.random.default_rng(1).normal(size=(7, frame_length)).astype(np.float32)
    theirs[0].set_weights([w + 0.01 for w in theirs[0].get_weights()])
    ours[0].set_weights(theirs[0].get_weights())
    np.testing.assert_allclose(
        np.asarray(ours[0](frames)), np.asarray(theirs[0](frames)), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(
        np.asarray(ours[1](frames)), np.asarray(theirs[1](frames)), rtol=1e-6, atol=1e-6
    )


def parameters(function) -> list[tuple]:
    """Names, kinds and defaults of a function's parameters (annotations aside)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_lesson_03_saves_exactly_the_harvested_definitions(lesson):
    assert set(lesson) == HARVESTED, sorted(lesson)
    for source in saved_sources():
        assert len(source.splitlines()) <= 25, source.splitlines()[1]  # a cell a learner can read


def test_article_model_matches_the_library(lesson, library):
    import keras

    ours_class, theirs_class = lesson["ArticleAutoencoder"], library["ArticleAutoencoder"]
    assert parameters(ours_class.__init__) == parameters(theirs_class.__init__)
    x = np.linspace(-3, 3, 40, dtype=np.float32).reshape(-1, 4)
    for output_activation in ("sigmoid", None):
        keras.utils.set_random_seed(0)
        ours = ours_class(4, 100, 4, output_activation=output_activation)
        ours(x[:1])
        keras.utils.set_random_seed(0)
        theirs = theirs_class(4, 100, 4, output_activation=output_activation)
        theirs(x[:1])
        assert describe(ours) == describe(theirs)
        assert ours.count_params() == theirs.count_params() == (4 * 100 + 100) + (100 * 4 + 4)
        assert (ours.input_dim, ours.hidden_dim, ours.output_dim) == (
            theirs.input_dim,
            theirs.hidden_dim,
            theirs.output_dim,
        )
        for mine, reference in zip(ours.get_weights(), theirs.get_weights()):
            np.testing.assert_array_equal(mine, reference)
        ours.set_weights([w + 0.05 for w in theirs.get_weights()])
        theirs.set_weights(ours.get_weights())
        np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("width, learning_rate, log_every", [(1, 0.01, 4), (3, 0.001, None)])
def test_article_loop_matches_the_library(lesson, library, width, learning_rate, log_every, capsys):
    model_class = library["ArticleAutoencoder"]
    data = np.random.default_rng(width).normal(size=(64, width)).astype(np.float32)
    ours, theirs = model_class(width, 16, width), model_class(width, 16, width)
    ours(data[:1])
    theirs(data[:1])
    theirs.set_weights(ours.get_weights())
    capsys.readouterr()
    our_losses = lesson["article_training_loop"](
        ours, data, epochs=15, learning_rate=learning_rate, log_every=log_every
    )
    our_lines = capsys.readouterr().out
    their_losses = library["article_training_loop"](
        theirs, data, epochs=15, learning_rate=learning_rate, log_every=log_every
    )
    # The same progress report: epochs 4, 8 and 12, or nothing with log_every=None.
    assert our_lines == capsys.readouterr().out
    assert our_lines.count("\n") == (3 if log_every else 0), our_lines
    assert len(our_losses) == len(their_losses) == 15
    assert all(isinstance(value, float) for value in our_losses)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-6)
    assert our_losses[-1] < our_losses[0]
    for mine, reference in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(mine, reference, rtol=1e-6, atol=1e-7)


def test_article_loop_defaults_match(lesson, library):
    assert parameters(lesson["article_training_loop"]) == parameters(
        library["article_training_loop"]
    )


@pytest.mark.parametrize(
    "frame_length, code_size, hidden_sizes", [(256, 32, (256,)), (64, 8, (32, 16))]
)
def test_builder_matches_the_library(lesson, library, frame_length, code_size, hidden_sizes):
    assert_same_builder(
        lesson["build_dense_autoencoder"],
        library["build_dense_autoencoder"],
        frame_length,
        code_size,
        hidden_sizes,
    )


def test_builder_default_hidden_sizes_match(lesson, library):
    ours = inspect.signature(lesson["build_dense_autoencoder"]).parameters["hidden_sizes"].default
    theirs = (
        inspect.signature(library["build_dense_autoencoder"]).parameters["hidden_sizes"].default
    )
    assert ours == theirs == (256,)  # HIDDEN, the canonical model's width


@pytest.mark.parametrize(
    "change",
    [
        ('activation="relu"', 'activation="tanh"'),
        ('kernel_initializer="he_uniform"', 'kernel_initializer="glorot_uniform"'),
        ('name="reconstruction")(y)', 'name="reconstruction", activation="sigmoid")(y)'),
    ],
)
def test_the_comparison_notices_a_changed_lesson(library, change):
    old, new = change
    sources = saved_sources()
    assert any(old in source for source in sources), f"{old!r} no longer in the #@save cells"
    changed = execute_saved([source.replace(old, new) for source in sources])
    with pytest.raises(AssertionError):
        assert_same_builder(
            changed["build_dense_autoencoder"], library["build_dense_autoencoder"], 64, 8, (32,)
        )
