"""Pictures of networks drawn from the model itself: a Dense layer, an autoencoder's shape.

- :func:`layer_sizes` reads a Keras model's Dense layers, in the order data
  passes through them, as ``(name, width, activation)`` rows, the input first.
  It works for functional and Sequential models and for built subclassed
  models (the article's), and names a layer the model never calls.
- :func:`draw_autoencoder` draws those rows as bars whose heights follow the
  widths, input -> encoder -> code -> decoder -> output, each labelled with
  its size, so a picture of the model cannot disagree with the model.
- :func:`draw_dense_layer` draws one small Dense layer, every input joined to
  every output, for the equation ``y = f(Wx + b)``.

Only matplotlib is imported here; the models are passed in.

Used in: 03_building_the_autoencoder, 08_denoising, 09_anomaly_detection.
"""

from __future__ import annotations

import numpy as np

from .errors import SettingError, SignalError
from .i18n import N_
from .plotting import plot_text

__all__ = ["layer_sizes", "draw_autoencoder", "draw_dense_layer"]

#: Colours of the parts of an autoencoder (matplotlib's default cycle).
ROLE_COLOURS = {"input": "0.55", "encoder": "C0", "code": "C3", "decoder": "C2", "output": "0.55"}
#: The roles' names under the bars (translated when drawn).
ROLE_NAMES = {
    "input": N_("input"),
    "encoder": N_("encoder"),
    "code": N_("code"),
    "decoder": N_("decoder"),
    "output": N_("output"),
}


def _leaves(layer):
    """The layers that hold no layers, in the order they are listed (nested models opened)."""
    children = getattr(layer, "layers", None)
    if children:
        for child in children:
            yield from _leaves(child)
    else:
        yield layer


def _dense_layers(model):
    """The built layers with a 2-D kernel, in the order data meets them (nested models opened).

    The package's one rule for "the Dense layers of a model": the diagrams draw them and
    ``efficiency`` counts their FLOPs and prunes them. An unbuilt layer has no kernel yet.
    """
    return [
        layer
        for layer in _leaves(model)
        if getattr(layer, "kernel", None) is not None and len(layer.kernel.shape) == 2
    ]


def _activation_name(layer) -> str:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", str(activation)) if activation is not None else "linear"


def _dense_leaves(model):
    """Every layer with ``units`` (a Dense layer), built or not, nested models opened, as listed."""
    return [layer for layer in _leaves(model) if hasattr(layer, "units")]


def _input_width(model) -> int | None:
    """The width of the model's input, when Keras knows it (functional, Sequential, built subclassed)."""
    try:
        inputs = getattr(model, "inputs", None)
    except (AttributeError, ValueError):  # a subclassed model: no symbolic inputs
        inputs = None
    if inputs and len(inputs) == 1:
        shape = inputs[0].shape
    else:
        shapes = getattr(model, "_build_shapes_dict", None) or {}
        if len(shapes) != 1:
            return None
        shape = next(iter(shapes.values()))
    try:
        width = shape[-1]
    except (TypeError, IndexError):
        return None
    return int(width) if isinstance(width, (int, np.integer)) and len(shape) == 2 else None


def _call_order(model, layers):
    """``layers`` in the order one forward pass calls them (each once), or None if that cannot be run.

    Keras lists a subclassed model's layers in the order ``__init__`` creates them, which
    need not be the order ``call()`` uses them; one batch of zeros through the model tells.
    """
    width = _input_width(model)
    if width is None:
        return None
    called = []
    for layer in layers:
        original = layer.call

        def recording(*args, _layer=layer, _original=original, **kwargs):
            called.append(_layer)
            return _original(*args, **kwargs)

        object.__setattr__(layer, "call", recording)  # past Keras's attribute tracking
    try:
        model(np.zeros((1, width), dtype="float32"))
    except Exception:  # the model cannot run on a plain batch: keep the listed order
        return None
    finally:
        for layer in layers:
            if "call" in vars(layer):
                object.__delattr__(layer, "call")
    order = []
    for layer in called:
        if layer not in order:
            order.append(layer)
    return order


def _attribute_name(model, layer) -> str:
    """``self.decoder`` if the model keeps ``layer`` as ``decoder``, else the layer's name in quotes."""
    for name, value in vars(model).items():
        if value is layer and not name.startswith("_"):
            return f"self.{name}"
    return repr(layer.name)


def layer_sizes(model) -> list[tuple[str, int, str]]:
    """``[(name, width, activation), ...]``: the model's input, then every Dense layer's output.

    The rows follow the data: the order a forward pass calls the layers (which for a
    subclassed model need not be the order ``__init__`` creates them). The input row is
    ``("input", width, "")``, its width read from the first weight matrix. A subclassed model
    must have been called once (built); a Dense layer the model never calls raises
    :class:`~course_utils.errors.SignalError` naming it (it has no weights, and a picture
    without it would not be the model the learner meant), as do Dense layers that do not feed
    one another (the diagram draws a chain).

    >>> # layer_sizes(build_dense_autoencoder(256, 32)[0])
    >>> # [('input', 256, ''), ('encoder_0', 256, 'relu'), ('code', 32, 'linear'), ...]

    Used in: 03_building_the_autoencoder.
    """
    name = getattr(model, "name", model)
    layers = _dense_layers(model)
    if not layers:
        built = getattr(model, "built", True)
        fix = " Call it once on a batch (model(x[:1])) to create its weights." if not built else ""
        raise SignalError(f"Model '{name}' has no Dense layers to draw.{fix}")
    order = _call_order(model, layers)
    uncalled = [layer for layer in _dense_leaves(model) if layer not in (order or layers)]
    if uncalled:
        names = ", ".join(
            f"{_attribute_name(model, layer)} (Dense({layer.units}))" for layer in uncalled
        )
        raise SignalError(
            f"Model '{name}' never calls {names}: a layer that data does not pass through has no "
            "weights and changes nothing. Call it in the model's call(), on the output of the "
            "layer before it (for the article's model: `return self.decoder(self.encoder(inputs))`)."
        )
    layers = order or layers
    for before, after in zip(layers, layers[1:]):
        if int(after.kernel.shape[0]) != int(before.kernel.shape[1]):
            raise SignalError(
                f"Model '{name}': layer '{after.name}' takes {int(after.kernel.shape[0])} numbers "
                f"but '{before.name}' before it gives {int(before.kernel.shape[1])}; the diagram "
                "draws a chain of Dense layers, each feeding the next. Draw the model's chains "
                "one at a time (its encoder and its decoder models, for example)."
            )
    rows = [("input", int(layers[0].kernel.shape[0]), "")]
    rows += [(layer.name, int(layer.kernel.shape[1]), _activation_name(layer)) for layer in layers]
    return rows


def _code_index(rows, code_layer) -> int:
    names = [name for name, _, _ in rows]
    if code_layer is not None:
        if code_layer not in names:
            raise SignalError(
                f"No layer named {code_layer!r}; the model's Dense layers are {names[1:]}."
            )
        return names.index(code_layer)
    if "code" in names:
        return names.index("code")
    if len(rows) < 3:
        raise SignalError(
            f"The model has one Dense layer ({names[1]!r}), so nothing in it is a code: an "
            "autoencoder has an encoder layer that makes the code and a decoder layer that turns "
            "it back into a frame. Add the decoder (and call it), or name the code layer 'code'."
        )
    # The code is the narrowest layer between input and output (the middle one of equals).
    middle = (len(rows) - 1) / 2
    return min(range(1, len(rows) - 1), key=lambda index: (rows[index][1], abs(index - middle)))


def draw_autoencoder(model, ax=None, code_layer: str | None = None, title: str | None = None):
    """Draw an autoencoder's shape from its layers: one bar per layer, height from its width.

    Bars are coloured by role (input, encoder, code, decoder, output) and
    labelled with their width and activation; the title gives the parameter
    count and the compression ratio, input width over code width. The code is
    ``code_layer`` if given, else the layer named ``"code"``, else the narrowest layer between
    the input and the output. A model with a Dense layer it never calls, or with a single
    Dense layer (no code), raises :class:`~course_utils.errors.SignalError` with the fix.
    Heights grow with the square root of the width, so a code of 32 is still
    visible next to a frame of 256. Returns the matplotlib ``Axes``.

    Used in: 03_building_the_autoencoder, 08_denoising, 09_anomaly_detection.
    """
    import matplotlib.pyplot as plt

    rows = layer_sizes(model)
    code = _code_index(rows, code_layer)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.3 * len(rows) + 1.5, 3.2))
    tallest = np.sqrt(max(width for _, width, _ in rows))
    for index, (_, width, activation) in enumerate(rows):
        if index == 0:
            role = "input"
        elif index == len(rows) - 1:
            role = "output"
        else:
            role = "encoder" if index < code else "code" if index == code else "decoder"
        height = np.sqrt(width) / tallest
        ax.add_patch(
            plt.Rectangle((index - 0.18, -height / 2), 0.36, height, color=ROLE_COLOURS[role])
        )
        if index:  # a band from the previous bar: every unit there feeds every unit here
            previous = np.sqrt(rows[index - 1][1]) / tallest
            ax.fill(
                [index - 0.82, index - 0.18, index - 0.18, index - 0.82],
                [-previous / 2, -height / 2, height / 2, previous / 2],
                color="0.85",
                zorder=0,
            )
        ax.text(index, height / 2 + 0.05, f"{width}", ha="center", va="bottom", fontsize=10)
        name = plot_text(ROLE_NAMES[role])
        label = activation if role in ("encoder", "decoder") else name
        if role in ("code", "output") and activation != "linear":
            label = f"{name}, {activation}"
        ax.text(index, -height / 2 - 0.07, label, ha="center", va="top", fontsize=8, color="0.3")
    ax.annotate(
        "", xy=(code, -0.72), xytext=(0, -0.72), arrowprops={"arrowstyle": "->", "color": "C0"}
    )
    ax.annotate(
        "",
        xy=(len(rows) - 1, -0.72),
        xytext=(code, -0.72),
        arrowprops={"arrowstyle": "->", "color": "C2"},
    )
    ax.text(code / 2, -0.8, plot_text(ROLE_NAMES["encoder"]), ha="center", va="top", color="C0")
    ax.text(
        (code + len(rows) - 1) / 2,
        -0.8,
        plot_text(ROLE_NAMES["decoder"]),
        ha="center",
        va="top",
        color="C2",
    )
    ratio = rows[0][1] / rows[code][1]
    ax.set_title(
        title
        or plot_text(
            N_("{name}: {parameters:,} parameters, input {frame} / code {code} = ratio {ratio:g}")
        ).format(
            name=getattr(model, "name", "model"),
            parameters=model.count_params(),
            frame=rows[0][1],
            code=rows[code][1],
            ratio=ratio,
        )
    )
    ax.set(xlim=(-0.6, len(rows) - 0.4), ylim=(-0.95, 0.7))
    ax.axis("off")
    return ax


def draw_dense_layer(n_inputs: int = 4, n_outputs: int = 3, ax=None, activation: str = "f"):
    """Draw a small Dense layer: ``n_inputs`` circles, each joined to all ``n_outputs``.

    Every line is one weight of ``W`` (``n_inputs * n_outputs`` in all); every
    output adds one bias and applies the activation. Returns the ``Axes``.

    Used in: 03_building_the_autoencoder.
    """
    import matplotlib.pyplot as plt

    for value, name in ((n_inputs, "n_inputs"), (n_outputs, "n_outputs")):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, np.integer))
            or not 1 <= value <= 12
        ):
            raise SettingError(
                f"{name} must be a whole number from 1 to 12 to draw; got {value!r}."
            )
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3))
    x_in = np.linspace(-(n_inputs - 1) / 2, (n_inputs - 1) / 2, n_inputs)
    y_out = np.linspace(-(n_outputs - 1) / 2, (n_outputs - 1) / 2, n_outputs)
    for a in x_in:
        for b in y_out:
            ax.plot([0, 1], [a, b], color="0.7", linewidth=0.8, zorder=1)
    ax.scatter(np.zeros(n_inputs), x_in, s=300, color="0.55", zorder=2)
    ax.scatter(np.ones(n_outputs), y_out, s=500, color="C0", zorder=2)
    for i, a in enumerate(x_in[::-1]):
        ax.text(-0.12, a, f"$x_{i + 1}$", ha="right", va="center")
    for j, b in enumerate(y_out[::-1]):
        ax.text(
            1.12,
            b,
            f"$y_{j + 1} = {activation}(\\ldots + b_{j + 1})$",
            ha="left",
            va="center",
            fontsize=9,
        )
    ax.set_title(
        plot_text(
            N_("Dense({n}): {m} × {n} weights + {n} biases = {parameters} parameters")
        ).format(n=n_outputs, m=n_inputs, parameters=n_inputs * n_outputs + n_outputs),
        fontsize=10,
    )
    ax.set(xlim=(-0.5, 2.2))
    ax.axis("off")
    return ax
