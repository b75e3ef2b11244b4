"""course_utils.seeds: mean and spread over seeds, verdicts that call a tie a tie, and a runner
that trains one architecture from several seeds with one trace."""

from __future__ import annotations

import numpy as np
import pytest

import course_utils

course_utils.setup_notebook(seed=0)

import keras  # noqa: E402

from course_utils import models, seeds, training  # noqa: E402
from course_utils.errors import SettingError, SignalError  # noqa: E402


def test_mean_and_spread_is_the_mean_and_the_sample_standard_deviation():
    mean, spread = seeds.mean_and_spread([1.0, 2.0, 3.0, 6.0])
    assert mean == pytest.approx(3.0) and spread == pytest.approx(np.std([1, 2, 3, 6], ddof=1))


@pytest.mark.parametrize(
    "values, fragment", [([1.0], "at least two runs"), ([1.0, float("nan")], "NaN")]
)
def test_mean_and_spread_refuses_what_has_no_spread(values, fragment):
    with pytest.raises(SignalError, match=fragment):
        seeds.mean_and_spread(values)


def test_verdict_names_a_winner_only_beyond_the_spread():
    clear_a, clear_b = [10.0, 10.2, 10.1], [8.0, 8.1, 7.9]
    assert seeds.verdict(clear_a, clear_b, names=("Adam", "SGD")) == "Adam"
    assert seeds.verdict(clear_b, clear_a, names=("SGD", "Adam")) == "Adam"
    assert seeds.verdict(clear_a, clear_b, higher_is_better=False) == "B"  # errors: lower is better
    noisy = [10.0, 11.5, 8.5]  # mean 10, spread 1.5: the 0.5 dB gap below is inside it
    assert seeds.verdict(noisy, [9.5, 9.6, 9.4]) == "tie"
    assert seeds.verdict(noisy, noisy) == "tie"


def test_spread_table_has_one_row_per_setting():
    table = seeds.spread_table(
        {"good": [0.3, 0.31, 0.29], "bad": [1.2, 1.3, 1.1]}, unit="dB", digits=2
    )
    lines = table.splitlines()
    assert len(lines) == 3 and "3 seeds" in lines[0]
    assert lines[1].startswith("good") and "0.30 ±    0.01 dB" in lines[1]
    with pytest.raises(SignalError, match="at least one setting"):
        seeds.spread_table({})


def tiny_model():
    return models.build_dense_autoencoder(16, 4, hidden_sizes=(8,))[0]


FRAMES = np.random.default_rng(0).normal(size=(100, 16)).astype(np.float32)


def test_runner_is_deterministic_per_seed_and_seeds_differ():
    runner = seeds.SeedRunner(tiny_model)
    first = runner.train(FRAMES, seed=0, steps=20)[1]["loss"]
    other = runner.train(FRAMES, seed=1, steps=20)[1]["loss"]
    again = runner.train(FRAMES, seed=0, steps=20)[1]["loss"]
    assert first == again and first != other


def test_runner_traces_its_loop_once_for_every_seed():
    runner = seeds.SeedRunner(tiny_model)
    for seed in seeds.SEEDS:
        runner.train(FRAMES, seed=seed, steps=10, eval_every=5)
    assert runner._run_steps.experimental_get_tracing_count() == 1


def test_runner_starts_each_seed_from_that_seeds_fresh_weights():
    runner = seeds.SeedRunner(tiny_model)
    runner.train(FRAMES, seed=0, steps=30)
    keras.utils.set_random_seed(1)
    fresh = tiny_model().get_weights()
    runner.train(
        FRAMES, seed=1, steps=1, learning_rate=1e-12
    )  # one step too small to move anything
    assert all(np.allclose(a, b, atol=1e-6) for a, b in zip(runner.model.get_weights(), fresh))
    assert int(runner.optimizer.iterations.numpy()) == 1  # the optimizer was reset too


def test_runner_learns_records_validation_and_adds_the_weight_penalty():
    runner = seeds.SeedRunner(tiny_model)
    model, history = runner.train(
        FRAMES, seed=0, steps=200, learning_rate=1e-2, validation=FRAMES[:20], eval_every=50
    )
    assert history["step"] == [50, 100, 150, 200] and len(history["val_loss"]) == 4
    assert history["loss"][-1] < 0.8 * history["loss"][0]
    penalized = seeds.SeedRunner(
        lambda: models.build_dense_autoencoder(16, 4, hidden_sizes=(8,), l2=10.0)[0]
    )
    heavy = penalized.train(FRAMES, seed=0, steps=5)[1]["loss"][0]
    assert (
        heavy > runner.train(FRAMES, seed=0, steps=5)[1]["loss"][0] + 1.0
    )  # the L2 term is in the loss


def test_runner_matches_train_minibatch_in_spirit():
    """Same model, same seed, same steps: both trainers reach a similar loss."""
    runner = seeds.SeedRunner(tiny_model)
    _, ours = runner.train(FRAMES, seed=0, steps=100, learning_rate=1e-2)
    keras.utils.set_random_seed(0)
    model = tiny_model()
    theirs = training.train_minibatch(
        model, FRAMES, steps=100, batch_size=32, learning_rate=1e-2, eval_every=100
    )
    assert abs(ours["loss"][-1] - theirs["loss"][-1]) < 0.25 * theirs["loss"][-1]


@pytest.mark.parametrize(
    "call, fragment, error",
    [
        (lambda r: r.train(FRAMES, seed=0, steps=0), "steps must be a positive", SettingError),
        (lambda r: r.train(FRAMES[0], seed=0, steps=5), "2 dimension", SignalError),
        (lambda r: r.train(FRAMES[:0], seed=0, steps=5), "empty", SignalError),
    ],
)
def test_runner_refuses_bad_input_with_a_course_error(call, fragment, error):
    with pytest.raises(error, match=fragment):
        call(seeds.SeedRunner(tiny_model))


def test_runner_refuses_a_build_that_is_not_a_model():
    with pytest.raises(SignalError, match="keras.Model"):
        seeds.SeedRunner(lambda: models.build_dense_autoencoder(16, 4, hidden_sizes=(8,)))
