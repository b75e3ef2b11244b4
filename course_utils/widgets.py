"""Interactive explorers built with ipywidgets.

:func:`code_size_explorer` lets a learner pick a clip and a code size, and
see and hear the reconstruction. Every reconstruction is computed *before*
the widget is built, so moving the slider only looks one up and redraws: no
training, no waiting. The slider reports its value only on release
(``continuous_update=False``) and each drawing is cached, so dragging it
does not start a storm of redraws.

:func:`latent_explorer` puts sliders on a few latent dimensions of a
decoder, to see and hear what they do (same caching, rendered with
:func:`course_utils.synthesis.render_latent`).

The figure and the player are written into an ``Output`` widget's
``outputs`` directly (not through ``with output:``), so the explorer also
works, and can be tested, outside a running notebook.

Used in: 05_evaluating, 11_synthesis.
"""

from __future__ import annotations

import html

import numpy as np

from .audio import check_signal
from .checks import positive_int
from .errors import SignalError
from .i18n import N_, tr
from .plotting import _png_output, plot_text

__all__ = ["code_size_explorer", "latent_explorer"]


def _html_output(text: str) -> dict:
    return {
        "output_type": "display_data",
        "data": {"text/html": text, "text/plain": ""},
        "metadata": {},
    }


def code_size_explorer(
    originals: dict,
    reconstructions: dict,
    sr: int,
    seconds: float | None = 0.05,
    description: str = "code size",
):
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

    clip_menu = widgets.Dropdown(options=list(originals), description=tr("clip"))
    slider = widgets.SelectionSlider(
        options=sizes,
        value=sizes[len(sizes) // 2],
        description=description,
        continuous_update=False,
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
        ax_wave.plot(
            time,
            original[start:stop],
            color="black",
            linewidth=1.2,
            label=plot_text(N_("original")),
        )
        for label, x in labelled.items():
            ax_wave.plot(
                time, x[start:stop], linewidth=1.0, label=f"{label} ({scores[label]:.1f} dB)"
            )
            ax_error.plot(time, (original - x)[start:stop], linewidth=1.0, label=label)
        ax_wave.set(
            title=plot_text(N_("{clip}, code size {size}")).format(clip=clip, size=size),
            xlabel=plot_text(N_("time (s)")),
            ylabel=plot_text(N_("amplitude")),
        )
        ax_error.set(
            title=plot_text(N_("error = original - reconstruction")),
            xlabel=plot_text(N_("time (s)")),
        )
        ax_error.set_ylim(ax_wave.get_ylim())
        ax_wave.legend(fontsize=8, loc="upper right")
        ax_error.legend(fontsize=8, loc="upper right")
        figure.tight_layout()
        notes = {label: f"{score:.1f} dB SNR" for label, score in scores.items()}
        players = listening_table({"original": original, **labelled}, sr, notes=notes).data
        line = ", ".join(
            f"{html.escape(str(label))}: {score:.1f} dB SNR" for label, score in scores.items()
        )
        text = tr("<b>{clip}</b>, code size <b>{size}</b>: {line}").format(
            clip=html.escape(str(clip)), size=size, line=line
        )
        return text, (_png_output(figure, "<reconstruction figure>"), _html_output(players))

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


def latent_explorer(
    decoder,
    latent_dim: int,
    *,
    sr: int,
    dims=None,
    n_sliders: int = 4,
    value_range: float = 3.0,
    step: float = 0.5,
    base_code=None,
    peak: float = 0.5,
    **render_options,
):
    """Sliders on a few latent dimensions; see the decoded spectrogram and hear it.

    ``dims`` lists the dimensions that get a slider (by default the first
    ``n_sliders``); every other dimension stays at ``base_code`` (zeros by default: the
    centre of a VAE's prior). Each slider reports its value only on release
    (``continuous_update=False``) and every rendering is cached, so dragging
    does not start a storm of Griffin-Lim runs. The sound is scaled to a peak
    of ``peak`` for the player (the level is shown, not hidden: see the title).

    Parameters
    ----------
    decoder : keras.Model or callable
        Batch of codes -> batch of frames.
    latent_dim : int
        Width of the code.
    dims : sequence of int, optional
        The latent dimensions to put on sliders, e.g. the ones a VAE uses most.
    sr : int
        Sample rate for the player and the time axis.
    render_options
        Passed to :func:`course_utils.synthesis.render_latent` (``n_frames``, ``hop_length``,
        ``postprocess``, ``n_iter``, ``seed``).

    Returns
    -------
    ipywidgets.VBox
        With attributes ``sliders`` (the FloatSliders, in the order of ``dims``), ``output``,
        ``code()`` (the current code), ``render(values)`` (the audio for a
        list of slider values, without a browser) and ``audio`` (the sound
        now shown).

    Used in: 11_synthesis.
    """
    import ipywidgets as widgets
    from matplotlib.figure import Figure

    from .plotting import audio_player, plot_spectrogram
    from .spectral import NEPER_TO_DB
    from .synthesis import render_latent

    latent_dim = positive_int(latent_dim, "latent_dim", "latent_dim=8")
    if dims is None:
        dims = list(range(min(positive_int(n_sliders, "n_sliders", "n_sliders=4"), latent_dim)))
    dims = [int(d) for d in dims]
    if not dims or len(set(dims)) != len(dims) or not all(0 <= d < latent_dim for d in dims):
        raise SignalError(
            f"dims must list distinct latent dimensions in 0..{latent_dim - 1}; got {dims}."
        )
    n_sliders = len(dims)
    base = (
        np.zeros(latent_dim, np.float32) if base_code is None else np.asarray(base_code, np.float32)
    )
    if base.shape != (latent_dim,):
        raise SignalError(f"base_code must have shape ({latent_dim},); got {base.shape}.")
    hop_length = render_options.get("hop_length", 256)
    sliders = [
        widgets.FloatSlider(
            value=float(np.clip(base[d], -value_range, value_range)),
            min=-value_range,
            max=value_range,
            step=step,
            description=f"z[{d}]",
            continuous_update=False,
        )
        for d in dims
    ]
    output = widgets.Output()
    cache = {}

    def code_for(values):
        values = [float(v) for v in values]
        if len(values) != n_sliders:
            raise SignalError(f"Give {n_sliders} slider values; got {len(values)}.")
        code = base.copy()
        code[dims] = values
        return code

    def render(values):
        key = tuple(round(float(v), 6) for v in values)
        if key not in cache:
            audio, log_mag = render_latent(decoder, code_for(values), sr=sr, **render_options)
            level = float(np.max(np.abs(audio)))
            shown = audio * (peak / level) if level > 0 else audio
            cache[key] = (shown.astype(np.float32), log_mag, level)
        return cache[key]

    def redraw(_change=None):
        values = [s.value for s in sliders]
        audio, log_mag, level = render(values)
        figure = Figure(figsize=(10, 3), dpi=80)
        ax_spectrum, ax_sound = figure.subplots(1, 2)
        frequencies = np.linspace(0.0, sr / 2, log_mag.shape[0])
        ax_spectrum.plot(frequencies[1:], NEPER_TO_DB * log_mag[1:, log_mag.shape[1] // 2])
        ax_spectrum.set(
            xscale="log",
            xlabel=plot_text(N_("frequency (Hz)")),
            ylabel="dB",
            title=plot_text(N_("decoded spectrum")),
        )
        n_fft = 2 * (log_mag.shape[0] - 1)
        plot_spectrogram(
            audio,
            sr,
            ax=ax_sound,
            colorbar=False,
            n_fft=n_fft,
            hop_length=hop_length,
            title=plot_text(N_("the sound (Griffin-Lim; peak {level:.2f} before scaling)")).format(
                level=level
            ),
        )
        figure.suptitle(", ".join(f"z[{d}] = {v:+.1f}" for d, v in zip(dims, values)))
        figure.tight_layout()
        player = audio_player(audio, sr)._repr_html_()
        output.outputs = (
            _png_output(figure, "<latent explorer figure>"),
            _html_output(f"<div>decoded sound {player}</div>"),
        )
        box.audio = audio

    box = widgets.VBox([widgets.HBox(sliders[:2]), widgets.HBox(sliders[2:]), output])
    box.sliders, box.output = sliders, output
    box.code = lambda: code_for([s.value for s in sliders])
    box.render = lambda values: render(values)[0]
    for slider in sliders:
        slider.observe(redraw, names="value")
    redraw()
    return box
