"""Pictures and players: waveforms, spectrograms, learning curves, listening tables.

Each function draws into a matplotlib ``Axes`` you may pass (``ax=``) and
returns it, so plots can be combined into one figure.

Used in: 00_welcome, 01_loading_audio, 02_standardizing, 03_building_the_autoencoder, 04_training,
05_evaluating, 05_going_further_transform_coding, 06_troubleshooting, 07_compression,
07_going_further_codecs, 08_denoising, 09_anomaly_detection, 10_recognition, 11_synthesis,
13_capstone.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np

from .audio import check_signal
from .i18n import N_, gettext, tr

__all__ = [
    "use_course_style",
    "plot_waveform",
    "plot_spectrogram",
    "plot_log_magnitude",
    "plot_learning_curves",
    "plot_rate_distortion",
    "audio_player",
    "listening_table",
    "compare_audio",
]


#: Fonts with Chinese characters, most likely first (Linux, macOS, Windows). Matplotlib falls back
#: to the first one installed for the characters DejaVu Sans lacks.
CHINESE_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Heiti SC",
    "Microsoft YaHei",
    "SimHei",
    "Droid Sans Fallback",
)


def chinese_font() -> str | None:
    """The first of :data:`CHINESE_FONTS` that matplotlib knows, or None.

    Used in: course_utils internals.
    """
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CHINESE_FONTS if name in installed), None)


def plot_text(message: str) -> str:
    """A figure's label in the course's language when matplotlib can draw it, else in English.

    ``message`` is marked with ``N_()``. Chinese labels need a Chinese font (see
    :data:`CHINESE_FONTS`); without one, a Chinese lesson's figures keep English labels
    rather than show empty boxes.

    Used in: course_utils internals.
    """
    from .i18n import get_language

    if get_language() == "en" or chinese_font() is None:
        return message
    return gettext(message)


def use_course_style() -> None:
    """A readable, consistent matplotlib style for the course's figures.

    In a Chinese lesson (``setup_notebook(language="zh")``) the font list also names an
    installed Chinese font, so Chinese labels draw.

    Used in: no notebook.
    """
    import matplotlib as mpl

    from .i18n import get_language

    font = chinese_font() if get_language() == "zh" else None
    if font is not None:
        mpl.rcParams["font.sans-serif"] = ["DejaVu Sans", font, *mpl.rcParams["font.sans-serif"]]
    mpl.rcParams.update(
        {
            "figure.figsize": (9, 3),
            "figure.dpi": 90,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 10,
            "figure.autolayout": True,
        }
    )


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _png_output(figure, description: str = "<figure>") -> dict:
    """A figure as a Jupyter ``display_data`` output (PNG), for an ``Output`` widget's ``outputs``.

    Writing outputs directly (not through ``with output:``) lets widgets and
    the live monitor work, and be tested, outside a running notebook.
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return {
        "output_type": "display_data",
        "data": {
            "image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "text/plain": description,
        },
        "metadata": {},
    }


def plot_waveform(x, sr: int, ax=None, title: str | None = None, **kwargs):
    """Draw a waveform against time in seconds (``librosa.display.waveshow``).

    Used in: 01_loading_audio, 05_evaluating.
    """
    import librosa.display

    x = check_signal(x)
    ax = _axes(ax)
    librosa.display.waveshow(y=np.asarray(x, dtype=np.float32), sr=sr, ax=ax, **kwargs)
    ax.set(xlabel=plot_text(N_("time (s)")), ylabel=plot_text(N_("amplitude")), title=title)
    return ax


def plot_spectrogram(
    x,
    sr: int,
    ax=None,
    title: str | None = None,
    n_fft: int = 512,
    hop_length: int = 128,
    y_axis: str = "log",
    colorbar: bool = True,
):
    """Draw a spectrogram in dB below its peak, 80 dB deep (:mod:`course_utils.spectral`, ``librosa.display.specshow``).

    Used in: 01_loading_audio, 05_evaluating, 08_denoising, 11_synthesis.
    """
    import librosa.display

    from .spectral import power_spectrogram, power_to_db

    x = check_signal(x)
    ax = _axes(ax)
    power = power_spectrogram(np.asarray(x, dtype=np.float32), n_fft=n_fft, hop_length=hop_length)
    decibels = power_to_db(power, ref=float(np.max(power)), amin=1e-10, top_db=80.0)
    image = librosa.display.specshow(
        data=decibels, sr=sr, hop_length=hop_length, x_axis="time", y_axis=y_axis, ax=ax
    )
    ax.set(title=title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, format="%+2.0f dB")
    return ax


def plot_log_magnitude(
    log_mag,
    sr: int,
    hop_length: int = 256,
    ax=None,
    title: str | None = None,
    y_axis: str = "log",
    vmin: float | None = None,
    vmax: float | None = None,
):
    """Draw a natural-log magnitude spectrogram ``(frequencies, frames)`` in dB.

    Used in: 11_synthesis.
    """
    import librosa.display

    from .errors import SignalError
    from .spectral import NEPER_TO_DB

    log_mag = np.asarray(log_mag)
    if log_mag.ndim != 2:
        raise SignalError(f"log_mag must be 2-D (frequencies, frames); got shape {log_mag.shape}.")
    ax = _axes(ax)
    decibels = NEPER_TO_DB * log_mag
    if vmax is None:
        vmax = float(decibels.max())
    if vmin is None:
        vmin = vmax - 80.0
    librosa.display.specshow(
        data=decibels,
        sr=sr,
        hop_length=hop_length,
        x_axis="time",
        y_axis=y_axis,
        ax=ax,
        vmin=vmin,
        vmax=vmax,
        cmap="magma",
    )
    ax.set(title=title)
    return ax


def plot_learning_curves(
    history, ax=None, title: str | None = None, log: bool = True, x_label: str = "epoch"
):
    """Plot training and validation loss from a Keras ``History`` or a dict of lists.

    Used in: 04_training, 06_troubleshooting.
    """
    curves = history.history if hasattr(history, "history") else dict(history)
    ax = _axes(ax)
    for name, values in curves.items():
        if "loss" not in name:
            continue
        label = {"loss": plot_text(N_("loss")), "val_loss": plot_text(N_("validation loss"))}
        ax.plot(
            np.arange(1, len(values) + 1),
            values,
            label=label.get(name, name.replace("val_loss", "validation loss")),
        )
    if log:
        ax.set_yscale("log")
    x_label = plot_text(N_("epoch")) if x_label == "epoch" else x_label
    ax.set(xlabel=x_label, ylabel=plot_text(N_("loss")), title=title)
    ax.legend()
    return ax


def plot_rate_distortion(curves: dict, styles: dict, max_kbps: dict | None = None):
    """SNR (top) and log-spectral distance (bottom) against bit rate, one column per clip.

    Parameters
    ----------
    curves : dict
        ``{clip name: {method: points}}``, each point a dict with ``"kbps"``, ``"snr"``
        and ``"lsd"``, sorted by rate.
    styles : dict
        ``{method: (color, marker, linestyle)}``; the methods drawn, in this order.
    max_kbps : dict or None
        ``{clip name: right end of its bit-rate axis}`` (e.g. just above its PCM rate).

    Returns the figure; the bit-rate axes are logarithmic and shared within a column.

    Used in: 07_compression, 07_going_further_codecs.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(
        2,
        len(curves),
        figsize=(5.5 * len(curves), 8),
        sharex="col",
        layout="constrained",
        squeeze=False,
    )
    for column, (clip, methods) in enumerate(curves.items()):
        for method, (color, marker, line) in styles.items():
            points = methods.get(method, [])
            rates = [point["kbps"] for point in points]
            for row, measure in enumerate(("snr", "lsd")):
                axes[row, column].plot(
                    rates,
                    [point[measure] for point in points],
                    color=color,
                    marker=marker,
                    ls=line,
                    ms=4,
                    label=method,
                )
        axes[0, column].set(
            title=plot_text(N_("{clip}: SNR (higher is better)")).format(clip=clip),
            ylabel=plot_text(N_("SNR (dB)")),
        )
        axes[1, column].set(
            title=plot_text(N_("{clip}: log-spectral distance (lower is better)")).format(
                clip=clip
            ),
            ylabel=plot_text(N_("LSD (dB)")),
            xlabel=plot_text(N_("bit rate (kbps)")),
        )
        for ax in axes[:, column]:
            ax.set_xscale("log")
            if max_kbps is not None:
                ax.set_xlim(0.8, max_kbps[clip])
    handles, labels = axes[1, -1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=5, fontsize=9)
    return fig


def audio_player(x, sr: int, normalize: bool = False):
    """An ``IPython.display.Audio`` player.

    Unlike IPython's default, loudness is *not* normalized, so two players
    can be compared by ear; samples beyond [-1, 1] are clipped.

    Used in: 00_welcome, 01_loading_audio, 03_building_the_autoencoder.
    """
    from IPython.display import Audio

    x = np.clip(check_signal(x).astype(np.float32), -1.0, 1.0)
    return Audio(data=x, rate=sr, normalize=normalize)


def listening_table(clips: dict, sr: int, notes: dict | None = None, peak: float | None = None):
    """An HTML table with one audio player per named clip, for listening side by side.

    ``clips`` maps a name to a 1-D signal; ``notes`` optionally maps the same
    names to a text such as ``"SNR 18.2 dB"``. With ``peak`` (e.g. 0.5) every
    clip is scaled to that peak, so that clips of very different levels can be
    compared by character, and its note says the peak it had before scaling.

    Used in: 01_loading_audio, 02_standardizing, 04_training, 05_evaluating,
    05_going_further_transform_coding, 06_troubleshooting, 07_compression, 07_going_further_codecs,
    08_denoising, 09_anomaly_detection, 10_recognition, 11_synthesis, 13_capstone.
    """
    from IPython.display import HTML

    notes = dict(notes or {})
    if peak is not None:
        scaled = {}
        for name, signal in clips.items():
            signal = check_signal(signal, name=str(name)).astype(np.float32)
            before = float(np.max(np.abs(signal)))
            scaled[name] = signal * (float(peak) / max(before, 1e-9))
            note = tr("peak {peak:.3g} before scaling").format(peak=before)
            notes[name] = f"{notes[name]}; {note}" if notes.get(name) else note
        clips = scaled
    rows = []
    for name, signal in clips.items():
        player = audio_player(signal, sr)._repr_html_()
        rows.append(
            f"<tr><td style='text-align:left'><b>{html.escape(str(name))}</b></td>"
            f"<td style='text-align:left'>{html.escape(str(notes.get(name, '')))}</td>"
            f"<td>{player}</td></tr>"
        )
    return HTML(
        "<table><tr><th>{clip}</th><th>{measure}</th><th>{listen}</th></tr>".format(
            clip=tr("clip"), measure=tr("measure"), listen=tr("listen")
        )
        + "".join(rows)
        + "</table>"
    )


def compare_audio(
    original, reconstruction, sr: int, title: str = "", labels=("original", "reconstruction")
):
    """Show an original and its reconstruction: waveforms, spectrograms, error, and players.

    Returns the matplotlib figure; the players are displayed below it, each
    with its measure: the original's RMS level, the reconstruction's SNR and
    the error's energy relative to the original (``-SNR``).

    Used in: 03_building_the_autoencoder, 05_evaluating.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    from .metrics import snr_db

    original = check_signal(original, name=labels[0])
    reconstruction = check_signal(reconstruction, name=labels[1])
    error = original - reconstruction
    figure, axes = plt.subplots(2, 3, figsize=(12, 5), sharex=True)
    for column, (name, signal) in enumerate(
        zip((*labels, "error"), (original, reconstruction, error))
    ):
        plot_waveform(signal, sr, ax=axes[0, column], title=name)
        plot_spectrogram(signal, sr, ax=axes[1, column], colorbar=False)
    snr = snr_db(original, reconstruction)
    figure.suptitle(f"{title}  (SNR {snr:.1f} dB)".strip())
    clips = dict(zip((*labels, "error"), (original, reconstruction, error)))
    display(listening_table(clips, sr, notes=_comparison_notes(original, snr, labels)))
    return figure


def _comparison_notes(original, snr: float, labels) -> dict:
    """The measure column of :func:`compare_audio`'s players, one text per row."""
    rms = float(np.sqrt(np.mean(np.square(original, dtype=np.float64))))
    error = (
        "none: the reconstruction is exact"
        if snr == float("inf")
        else f"{-snr:.1f} dB relative to the {labels[0]}"
    )
    return {labels[0]: f"RMS level {rms:.3g}", labels[1]: f"SNR {snr:.1f} dB", "error": error}
