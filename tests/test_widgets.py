"""The code-size and latent explorers: built and driven from code, without a browser."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from course_utils import metrics  # noqa: E402
from course_utils.errors import SignalError  # noqa: E402
from course_utils.widgets import code_size_explorer, latent_explorer  # noqa: E402

SR = 8000


def make_inputs():
    t = np.arange(SR // 2) / SR
    originals = {
        "tone": np.sin(2 * np.pi * 440 * t),
        "chord": np.sin(2 * np.pi * 300 * t) + 0.5 * np.sin(2 * np.pi * 500 * t),
    }
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


def _toy_decoder(codes):
    """A decoder by hand: code[0] moves a bump of energy up the spectrum."""
    codes = np.asarray(codes)
    bins = np.arange(129)
    centre = 40 + 10 * codes[:, :1]
    return -6.0 + 5.0 * np.exp(-((bins[None, :] - centre) ** 2) / 20.0)


@pytest.fixture
def tensorflow_ready():
    """latent_explorer renders through course_utils.synthesis, which imports TensorFlow."""
    import sys

    import course_utils

    if "tensorflow" not in sys.modules:  # set up once, before TensorFlow loads
        course_utils.setup_notebook(seed=0, style=False)


def test_latent_explorer_builds_and_a_slider_changes_the_sound(tensorflow_ready):
    explorer = latent_explorer(_toy_decoder, 3, sr=SR, n_sliders=2, n_frames=16, hop_length=64)
    assert len(explorer.sliders) == 2
    assert all(s.continuous_update is False for s in explorer.sliders)
    first = explorer.audio.copy()
    assert any("image/png" in o["data"] for o in explorer.output.outputs)
    explorer.sliders[0].value = 2.0
    assert explorer.code()[0] == pytest.approx(2.0)
    assert explorer.audio.shape == first.shape and not np.allclose(explorer.audio, first)
    # Rendering without a browser, and from the cache.
    np.testing.assert_array_equal(explorer.render([0.0, 0.0]), first)
    moved = explorer.render([-2.0, 0.0])
    assert metrics.log_spectral_distance(first, moved, n_fft=256) > 1.0


def test_latent_explorer_dims_and_bad_input(tensorflow_ready):
    explorer = latent_explorer(_toy_decoder, 3, sr=SR, dims=[2, 0], n_frames=8, hop_length=64)
    assert [s.description for s in explorer.sliders] == ["z[2]", "z[0]"]
    explorer.sliders[1].value = 1.5
    np.testing.assert_allclose(explorer.code(), [1.5, 0.0, 0.0])
    with pytest.raises(SignalError, match="dims"):
        latent_explorer(_toy_decoder, 3, sr=SR, dims=[0, 3])
    with pytest.raises(SignalError, match="base_code"):
        latent_explorer(_toy_decoder, 3, sr=SR, base_code=np.zeros(4))
    with pytest.raises(SignalError, match="slider values"):
        explorer.render([1.0])
