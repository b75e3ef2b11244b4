"""The code-size explorer: built and driven from code, without a browser."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from course_utils.errors import SignalError  # noqa: E402
from course_utils.widgets import code_size_explorer  # noqa: E402

SR = 8000


def make_inputs():
    t = np.arange(SR // 2) / SR
    originals = {"tone": np.sin(2 * np.pi * 440 * t), "chord": np.sin(2 * np.pi * 300 * t) + 0.5 * np.sin(2 * np.pi * 500 * t)}
    reconstructions = {}
    for name, x in originals.items():
        for size, scale in ((8, 0.5), (16, 0.9), (32, 0.99)):
            reconstructions[(name, size)] = {"PCA": scale * x, "autoencoder": (scale - 0.05) * x}
    return originals, reconstructions


def png_of(explorer):
    return [o["data"]["image/png"] for o in explorer.output.outputs if "image/png" in o["data"]]


def test_explorer_builds_and_redraws_when_the_slider_moves():
    explorer = code_size_explorer(*make_inputs(), sr=SR)
    assert explorer.code_size.continuous_update is False
    assert list(explorer.code_size.options) == [8, 16, 32]
    assert explorer.code_size.value == 16
    first_summary, first_png = explorer.summary.value, png_of(explorer)
    assert len(first_png) == 1 and "20.0 dB" in first_summary  # 0.9 x: error 10 % -> 20 dB
    players = [o["data"]["text/html"] for o in explorer.output.outputs if "text/html" in o["data"]]
    assert players and players[0].count("<audio") == 3  # original, PCA, autoencoder

    explorer.code_size.value = 8
    assert explorer.summary.value != first_summary
    assert "6.0 dB" in explorer.summary.value  # 0.5 x: 10 log10(1 / 0.25)
    assert png_of(explorer) != first_png

    explorer.clip.value = "chord"
    assert "chord" in explorer.summary.value

    explorer.clip.value, explorer.code_size.value = "tone", 16
    assert explorer.summary.value == first_summary  # drawn from the cache
    assert png_of(explorer) == first_png


def test_plain_arrays_are_accepted():
    originals, reconstructions = make_inputs()
    plain = {key: value["PCA"] for key, value in reconstructions.items()}
    explorer = code_size_explorer(originals, plain, sr=SR, seconds=None)
    assert "reconstruction" in explorer.summary.value


def test_missing_or_mismatched_reconstructions_are_reported():
    originals, reconstructions = make_inputs()
    del reconstructions[("chord", 32)]
    with pytest.raises(SignalError, match="chord.*32"):
        code_size_explorer(originals, reconstructions, sr=SR)
    originals, reconstructions = make_inputs()
    reconstructions[("tone", 8)] = {"PCA": np.ones(10)}
    with pytest.raises(SignalError, match="samples"):
        code_size_explorer(originals, reconstructions, sr=SR)
