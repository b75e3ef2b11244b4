"""Interactive explorers built with ipywidgets.

:func:`code_size_explorer` lets a learner pick a clip and a code size, and
see and hear the reconstruction. Every reconstruction is computed *before*
the widget is built, so moving the slider only looks one up and redraws: no
training, no waiting. The slider reports its value only on release
(``continuous_update=False``) and each drawing is cached, so dragging it
does not start a storm of redraws.

The figure and the player are written into an ``Output`` widget's
``outputs`` directly (not through ``with output:``), so the explorer also
works, and can be tested, outside a running notebook.

Used in: 05_evaluating.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np

from .audio import check_signal
from .errors import SignalError

__all__ = ["code_size_explorer"]


def _png_output(figure) -> dict:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return {
        "output_type": "display_data",
        "data": {"image/png": data, "text/plain": "<reconstruction figure>"},
        "metadata": {},
    }


def _html_output(text: str) -> dict:
    return {"output_type": "display_data", "data": {"text/html": text, "text/plain": ""}, "metadata": {}}


def code_size_explorer(originals: dict, reconstructions: dict, sr: int, seconds: float | None = 0.05,
                       description: str = "code size"):
    """A widget to pick a clip and a code size, then see and hear the reconstruction.

    Parameters
    ----------
    originals : dict
        Clip name -> 1-D original signal.
    reconstructions : dict
        ``(clip name, code size)`` -> the reconstruction (1-D, same length as
        the original), or a dict of several labelled reconstructions such as
        ``{"PCA": x_pca, "autoencoder": x_ae}``. Precompute them all.
    sr : int
        Sample rate, for the time axis and the player.
    seconds : float or None
        Length of the zoomed-in waveform shown (from the middle of the clip);
        ``None`` shows the whole clip. The player always plays the whole clip.

    Returns
    -------
    ipywidgets.VBox
        Display it in a notebook. Its attributes ``clip``, ``code_size``
        (the Dropdown and the SelectionSlider), ``summary`` (an HTML line
        with the SNRs) and ``output`` (the figure and the players) can be
        read and set from code.

    Used in: 05_evaluating.
    """
    import ipywidgets as widgets
    from matplotlib.figure import Figure

    from .metrics import snr_db
    from .plotting import listening_table

    if not originals:
        raise SignalError("originals is empty: pass at least one clip, as {name: signal}.")
    originals = {name: check_signal(x, name=str(name)) for name, x in originals.items()}
    sizes = sorted({size for (_, size) in reconstructions})
    if not sizes:
        raise SignalError("reconstructions is empty: pass {(clip, code_size): signal, ...}.")
    table = {}
    for clip in originals:
        for size in sizes:
            if (clip, size) not in reconstructions:
                raise SignalError(
                    f"No reconstruction for clip '{clip}' at code size {size}. Precompute one for "
                    "every (clip, code size) pair, so the explorer never has to train."
                )
            value = reconstructions[(clip, size)]
            labelled = dict(value) if isinstance(value, dict) else {"reconstruction": value}
            for label, x in labelled.items():
                x = check_signal(x, name=f"reconstruction {label!r} of '{clip}' at {size}")
                if x.shape != originals[clip].shape:
                    raise SignalError(
                        f"The reconstruction {label!r} of '{clip}' at code size {size} has "
                        f"{len(x)} samples but the original has {len(originals[clip])}; trim or "
                        "pad it (reconstruct_signal returns the input's length)."
                    )
                labelled[label] = x
            table[(clip, size)] = labelled

    clip_menu = widgets.Dropdown(options=list(originals), description="clip")
    slider = widgets.SelectionSlider(
        options=sizes, value=sizes[len(sizes) // 2], description=description, continuous_update=False
    )
    summary = widgets.HTML()
    output = widgets.Output()
    cache = {}

    def render(clip, size):
        original = originals[clip]
        labelled = table[(clip, size)]
        scores = {label: snr_db(original, x) for label, x in labelled.items()}
        if seconds is None:
            start, stop = 0, len(original)
        else:
            width = min(len(original), max(1, int(seconds * sr)))
            start = (len(original) - width) // 2
            stop = start + width
        time = np.arange(start, stop) / sr
        figure = Figure(figsize=(9, 3.2), dpi=80)
        ax_wave, ax_error = figure.subplots(1, 2)
        ax_wave.plot(time, original[start:stop], color="black", linewidth=1.2, label="original")
        for label, x in labelled.items():
            ax_wave.plot(time, x[start:stop], linewidth=1.0, label=f"{label} ({scores[label]:.1f} dB)")
            ax_error.plot(time, (original - x)[start:stop], linewidth=1.0, label=label)
        ax_wave.set(title=f"{clip}, code size {size}", xlabel="time (s)", ylabel="amplitude")
        ax_error.set(title="error = original - reconstruction", xlabel="time (s)")
        ax_error.set_ylim(ax_wave.get_ylim())
        ax_wave.legend(fontsize=8, loc="upper right")
        ax_error.legend(fontsize=8, loc="upper right")
        figure.tight_layout()
        notes = {label: f"{score:.1f} dB SNR" for label, score in scores.items()}
        players = listening_table({"original": original, **labelled}, sr, notes=notes).data
        line = ", ".join(f"{html.escape(str(label))}: {score:.1f} dB SNR" for label, score in scores.items())
        text = f"<b>{html.escape(str(clip))}</b>, code size <b>{size}</b>: {line}"
        return text, (_png_output(figure), _html_output(players))

    def redraw(_change=None):
        key = (clip_menu.value, slider.value)
        if key not in cache:
            cache[key] = render(*key)
        summary.value, output.outputs = cache[key]

    clip_menu.observe(redraw, names="value")
    slider.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox([clip_menu, slider]), summary, output])
    box.clip, box.code_size, box.summary, box.output = clip_menu, slider, summary, output
    return box
