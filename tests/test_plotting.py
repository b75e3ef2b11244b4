"""Pictures and players: the comparison's listening table, spectrogram levels, the PNG output helper."""

from __future__ import annotations

import base64
import re

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from course_utils import plotting  # noqa: E402
from course_utils.errors import SignalError  # noqa: E402

SR = 8000


def tone(seconds=0.5):
    t = np.arange(int(seconds * SR)) / SR
    return (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def measures_of(html_text):
    """The text of the 'measure' column, row by row, from a listening_table's HTML."""
    rows = re.findall(r"<tr><td[^>]*><b>(.*?)</b></td><td[^>]*>(.*?)</td>", html_text)
    return dict(rows)


@pytest.fixture
def shown(monkeypatch):
    """What compare_audio displays below its figure."""
    import IPython.display

    displayed = []
    monkeypatch.setattr(IPython.display, "display", lambda *objects: displayed.extend(objects))
    return displayed


def test_compare_audio_fills_every_measure_of_its_players(shown):
    import matplotlib.pyplot as plt

    original = tone()
    figure = plotting.compare_audio(original, 0.9 * original, SR, title="toy")
    plt.close(figure)
    measures = measures_of(shown[0].data)
    assert list(measures) == ["original", "reconstruction", "error"]
    assert all(text.strip() for text in measures.values()), measures
    # 0.9 x: the error is a tenth of the signal, 20 dB below it.
    assert measures["reconstruction"] == "SNR 20.0 dB"
    assert measures["error"] == "-20.0 dB relative to the original"
    assert measures["original"] == f"RMS level {0.5 / np.sqrt(2):.3g}"
    assert "SNR 20.0 dB" in figure._suptitle.get_text()


def test_compare_audio_says_when_the_reconstruction_is_exact(shown):
    import matplotlib.pyplot as plt

    original = tone()
    plt.close(plotting.compare_audio(original, original.copy(), SR, labels=("in", "out")))
    measures = measures_of(shown[0].data)
    assert measures["out"] == "SNR inf dB" and measures["error"].startswith("none")


def test_plot_spectrogram_shows_80_db_below_the_peak():
    import matplotlib.pyplot as plt

    ax = plotting.plot_spectrogram(tone() + 1e-6, SR, colorbar=False)
    levels = ax.collections[0].get_array()
    assert (
        float(levels.max()) == pytest.approx(0.0, abs=1e-4) and float(levels.min()) >= -80.0 - 1e-4
    )
    plt.close(ax.figure)


def test_plot_log_magnitude_draws_decibels_and_rejects_1d():
    import matplotlib.pyplot as plt

    from course_utils.spectral import log_magnitude

    log_mag, _ = log_magnitude(tone(), n_fft=256, hop_length=64)
    ax = plotting.plot_log_magnitude(log_mag, SR, hop_length=64, title="tone")
    levels = ax.collections[0].get_array()
    assert float(levels.max()) == pytest.approx(20 / np.log(10) * float(log_mag.max()), rel=1e-5)
    plt.close(ax.figure)
    with pytest.raises(SignalError, match="2-D"):
        plotting.plot_log_magnitude(log_mag[:, 0], SR)


def test_png_output_is_a_display_data_message_with_a_png():
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1))
    figure.subplots().plot([0, 1])
    message = plotting._png_output(figure, "<two points>")
    assert (
        message["output_type"] == "display_data" and message["data"]["text/plain"] == "<two points>"
    )
    assert base64.b64decode(message["data"]["image/png"]).startswith(b"\x89PNG")


def test_listening_table_scales_every_clip_to_one_peak_and_says_what_it_was():
    loud, quiet = tone(), 0.01 * tone()
    table = plotting.listening_table(
        {"loud": loud, "quiet": quiet}, SR, notes={"loud": "x"}, peak=0.5
    )
    measures = measures_of(table.data)
    assert measures == {"loud": "x; peak 0.5 before scaling", "quiet": "peak 0.005 before scaling"}
    players = re.findall(r'src="data:audio/wav;base64,([^"]+)"', table.data)
    assert len(players) == 2 and players[0] == players[1]  # the same clip at the same peak


def test_rate_distortion_plot_draws_each_method_per_clip_on_log_rate_axes():
    import matplotlib.pyplot as plt

    points = [{"kbps": 4.0, "snr": 1.0, "lsd": 9.0}, {"kbps": 16.0, "snr": 8.0, "lsd": 4.0}]
    curves = {"speech": {"PCA": points, "MP3": points[1:]}, "music": {"PCA": points}}
    styles = {"PCA": ("tab:blue", "s", "-"), "MP3": ("tab:green", "D", "-")}
    fig = plotting.plot_rate_distortion(curves, styles, max_kbps={"speech": 130.0, "music": 350.0})
    axes = fig.axes
    assert len(axes) == 4  # SNR above LSD, one column per clip
    speech_snr, music_snr, speech_lsd, music_lsd = axes
    assert speech_snr.get_title() == "speech: SNR (higher is better)"
    assert music_lsd.get_title() == "music: log-spectral distance (lower is better)"
    assert [line.get_label() for line in speech_snr.get_lines()] == ["PCA", "MP3"]
    assert list(speech_lsd.get_lines()[0].get_ydata()) == [9.0, 4.0]
    assert not len(music_snr.get_lines()[1].get_xdata())  # a method a clip lacks draws nothing
    assert speech_snr.get_xscale() == "log" and music_lsd.get_xlim() == pytest.approx((0.8, 350.0))
    plt.close(fig)
