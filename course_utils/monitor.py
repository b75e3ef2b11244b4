"""A live training monitor: loss curves redrawn while ``model.fit`` runs, and progress lines.

:class:`TrainingProgress` is the one-line bar the course's trainers show, and
:func:`progress` counts a whole cell's work (seeds, folds, measurements) the
same way, tqdm-style; both leave an output that is the same on every run.

:class:`LiveTrainingMonitor` is a Keras callback that shows a status line and
a loss plot (an ipywidgets ``HTML`` and ``Output``) and redraws them *while*
the model trains. Drawing a figure costs tens of milliseconds, far more than
one training step of a small autoencoder, so the monitor never redraws on
every batch: it redraws at most every ``every`` batches (or only at the end of
each epoch) and never twice within ``min_interval`` seconds. Whatever it
skipped is drawn at the end of training, so the last picture always shows the
whole history.

The figure is written into the ``Output`` widget's ``outputs`` directly (not
through ``with output:``), so the monitor also works, and can be tested,
outside a running notebook; the static website shows its final picture.

Importing this module imports Keras (and so TensorFlow): call
``setup_notebook()`` first.

Used in: 04_training, 06_troubleshooting, 12_efficiency_and_scale.
"""

from __future__ import annotations

import html
import math
import time

import keras
import numpy as np

from .errors import SettingError
from .plotting import _png_output

__all__ = ["LiveTrainingMonitor", "TrainingProgress", "progress"]


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


class TrainingProgress(keras.callbacks.Callback):
    """One line that moves while a model trains: a bar, the step count and the latest loss.

    ``fit_autoencoder`` shows it in a notebook (``progress=None``), so no training cell sits
    silent. The line is updated in place (an IPython display handle) at most every
    ``min_interval`` seconds; when training ends it disappears and one printed line gives the
    whole run and the last epoch's losses, which depend only on the seed: a notebook's saved
    output is the same on every run (nbval compares it), however many updates the machine's
    speed allowed in between.

    Parameters
    ----------
    total_steps : int
        The optimizer steps planned (the bar's 100 %).
    label : str
        The words before the bar, e.g. ``"training"``.
    min_interval : float
        Seconds between two updates (wall time).
    show : bool or None
        Display the line; ``None`` displays it only inside IPython/Jupyter.
    unit : str
        What the bar counts (``"steps"``; ``"autoencoders"`` when each update is a whole
        training, as in ``code_features.AutoencoderFeatures``).
    done_label : str
        The first word of the end-of-training line (``"trained"``; :func:`progress` passes
        its own, e.g. ``"measured"``).

    Used in: course_utils internals (the progress lines of fit_autoencoder,
    AutoencoderFeatures and the anomaly detectors' training; :func:`progress` draws with it
    for train_lapped, train_mask_model and anomaly.evaluate).
    """

    def __init__(
        self,
        total_steps: int,
        label: str = "training",
        min_interval: float = 0.5,
        width: int = 24,
        show: bool | None = None,
        unit: str = "steps",
        done_label: str = "trained",
    ):
        super().__init__()
        if not isinstance(total_steps, int) or isinstance(total_steps, bool) or total_steps < 1:
            raise SettingError(
                f"total_steps must be a positive whole number of optimizer steps, not {total_steps!r}."
            )
        self.total_steps, self.label, self.min_interval, self.width = (
            total_steps,
            label,
            min_interval,
            width,
        )
        self.show = _in_ipython() if show is None else bool(show)
        self.unit, self.done_label = unit, done_label
        self.handle = None
        self.step = 0
        self.updates = 0
        self.line = ""

    def text(self, loss=None, validation_loss=None, done: bool = False) -> str:
        """The line for the current step (``done``: the end-of-training line)."""
        filled = round(self.width * min(self.step, self.total_steps) / self.total_steps)
        bar = "#" * filled + "." * (self.width - filled)
        words = [
            f"{self.done_label if done else self.label} [{bar}] {self.step}/{self.total_steps} {self.unit}"
        ]
        if loss is not None:
            words.append(f"loss {loss:.4g}")
        if validation_loss is not None:
            words.append(f"validation loss {validation_loss:.4g}")
        return ", ".join(words)

    def _show(self, line: str, final: bool = False) -> None:
        self.line = line
        self.updates += 1
        if not self.show:
            return
        if not _in_ipython():  # a terminal or a script: the end-of-training line only
            if final:
                print(line)
            return
        from IPython.display import display

        # The moving line lives in a display that starts and ends empty: nbval sees only the
        # first state of a display (it ignores updates) and the notebook keeps the last, so both
        # agree; the end-of-training line is then printed below it.
        empty = {"text/plain": "", "text/html": ""}
        if self.handle is None:
            self.handle = display(empty, raw=True, display_id=True)
        if final:
            self.handle.update(empty, raw=True)
            print(line)
        elif line:
            self.handle.update(
                {
                    "text/plain": line,
                    "text/html": f"<pre style='margin: 0;'>{html.escape(line)}</pre>",
                },
                raw=True,
            )

    def on_train_begin(self, logs=None):
        self.step = 0
        self._last = time.monotonic()
        self._show(self.text())

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        now = time.monotonic()
        if now - self._last >= self.min_interval:
            self._last = now
            loss = (logs or {}).get("loss")
            self._show(self.text(None if loss is None else float(loss)))

    def on_train_end(self, logs=None):
        logs = logs or {}
        loss, validation = logs.get("loss"), logs.get("val_loss")
        self._show(
            self.text(
                None if loss is None else float(loss),
                None if validation is None else float(validation),
                done=True,
            ),
            final=True,
        )


class _Progress:
    """The object :func:`progress` returns: iterate over it, or ``update()`` it in a ``with``."""

    def __init__(self, iterable, total, label, unit, done_label, leave, min_interval, show):
        if total is None:
            try:
                total = len(iterable)
            except TypeError:
                raise SettingError(
                    "progress() cannot count this iterable (a generator has no length): pass "
                    "total=, the number of items it will give."
                ) from None
        if not isinstance(total, int) or isinstance(total, bool) or total < 1:
            raise SettingError(
                f"total must be a positive whole number of {unit}, not {total!r}: it is the "
                "bar's 100 %."
            )
        self.iterable, self.leave = iterable, bool(leave)
        self.bar = TrainingProgress(
            total,
            label=label,
            min_interval=min_interval,
            show=show,
            unit=unit,
            done_label=done_label,
        )
        self.loss = None
        self.started = self.finished = False

    @property
    def count(self) -> int:
        """How many items are done so far."""
        return self.bar.step

    @property
    def line(self) -> str:
        """The line shown last (the end line once finished, kept even with ``leave=False``)."""
        return self.bar.line

    def _start(self):
        if not self.started:
            self.started = True
            self.bar.on_train_begin()

    def update(self, n: int = 1, loss=None) -> None:
        """Count ``n`` more items done; ``loss``, if given, joins the line (and the end line).

        A tensor ``loss`` is read only when the line is redrawn, so a training loop does not
        wait for every step's value.
        """
        self._start()
        if loss is not None:
            self.loss = loss
        for _ in range(n):
            self.bar.on_train_batch_end(self.bar.step, None if loss is None else {"loss": loss})

    def close(self) -> None:
        """End the line: print the end line (``leave=True``) or leave no output at all."""
        if self.finished:
            return
        self._start()
        self.finished = True
        if self.loss is not None:
            self.loss = float(self.loss)
        if self.leave:
            self.bar.on_train_end(None if self.loss is None else {"loss": self.loss})
            return
        self.bar.line = self.bar.text(self.loss, done=True)
        if self.bar.handle is not None:  # the display ends empty, as nbval first saw it
            self.bar.handle.update({"text/plain": "", "text/html": ""}, raw=True)

    def __enter__(self):
        self._start()
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self.close()
        return False  # an error leaves the line where it stopped and goes on up

    def __iter__(self):
        if self.iterable is None:
            raise SettingError(
                "this progress line has no items to iterate over: call update() instead."
            )
        self._start()
        for item in self.iterable:
            yield item
            self.update()
        self.close()


def progress(
    iterable=None,
    total: int | None = None,
    label: str = "training",
    unit: str = "runs",
    done_label: str = "trained",
    leave: bool = True,
    min_interval: float = 0.5,
    show: bool | None = None,
):
    """A moving line over a whole cell's work, as tqdm gives, in the course's nbval-safe form.

    Wrap the loop's items (``for seed in progress(SEEDS, unit="seeds")``), or count by hand
    (``with progress(total=9) as bar: ... bar.update()``). The line moves while the cell runs
    and, with ``leave=True``, ends on one printed line such as ``trained [####] 9/9 runs``,
    which depends only on the count, so nbval finds the same output on every run;
    ``leave=False`` leaves no output at all. tqdm's notebook bar is a widget whose saved text
    holds rates and times, different on every run, which is why the course draws its own.

    Parameters
    ----------
    iterable : iterable or None
        The items to go through; ``None`` to count with :meth:`update` in a ``with`` block.
    total : int or None
        How many items in all (the bar's 100 %); ``None`` takes ``len(iterable)``.
    label, done_label : str
        The line's first word while it moves and once it is done.
    unit : str
        What the bar counts: ``"runs"``, ``"seeds"``, ``"trainings"``, ...
    leave : bool
        Print the end line (``True``) or leave no output (``False``, for a helper called
        from several cells).
    min_interval : float
        Seconds between two updates of the line (wall time).
    show : bool or None
        Display the line; ``None`` displays it only inside IPython/Jupyter. Outside a
        notebook, ``show=True`` prints the end line only.

    Examples
    --------
    >>> with progress(total=3, show=False) as bar:
    ...     for _ in range(3):
    ...         bar.update(loss=0.5)
    >>> bar.line
    'trained [########################] 3/3 runs, loss 0.5'

    Used in: 06_troubleshooting, 12_efficiency_and_scale.
    """
    return _Progress(iterable, total, label, unit, done_label, leave, min_interval, show)


class LiveTrainingMonitor(keras.callbacks.Callback):
    """Redraw loss curves during ``model.fit``, throttled so training stays fast.

    Parameters
    ----------
    every : int or None
        Redraw at most every ``every`` optimizer steps (batches) *within* an
        epoch, as well as at the end of each epoch. ``None`` (the default)
        redraws only at the end of an epoch, which suits short epochs.
    min_interval : float
        Never redraw twice within this many seconds (wall time). With many
        tiny epochs this is what prevents a storm of redraws.
    metrics : sequence of str or None
        The logged quantities to plot; ``None`` plots every log whose name
        contains ``"loss"`` (``loss``, ``val_loss``, ...).
    log_scale : bool
        Plot the loss on a logarithmic axis once it spans more than a factor
        of 10 (losses fall by orders of magnitude).
    title : str or None
        Title of the figure.
    show : bool or None
        Display the widget when training begins. ``None`` (the default)
        displays it only inside IPython/Jupyter, once.
    figsize : tuple
        Size of the figure in inches.

    Attributes
    ----------
    widget : ipywidgets.VBox
        The status line (``widget.status``) above the figure (``widget.output``).
    history : dict
        Every epoch's logs, as lists (like ``keras.callbacks.History``), plus
        ``step``, the optimizer step at the end of each epoch.
    redraws : int
        How many times the figure was drawn; ``skipped`` counts the redraws
        the throttle refused.
    drawn : dict
        The data of the last figure drawn (lists per metric, ``step``, and
        the running loss of the unfinished epoch as ``batch_step``/``batch_loss``).

    Examples
    --------
    >>> monitor = LiveTrainingMonitor(every=50, min_interval=0.5)   # doctest: +SKIP
    >>> model.fit(dataset, epochs=20, verbose=0, callbacks=[monitor])  # doctest: +SKIP

    Used in: 04_training.
    """

    def __init__(
        self,
        every: int | None = None,
        min_interval: float = 1.0,
        metrics=None,
        log_scale: bool = True,
        title: str | None = None,
        show: bool | None = None,
        figsize=(7.0, 3.0),
    ):
        super().__init__()
        if every is not None and (
            not isinstance(every, int) or isinstance(every, bool) or every < 1
        ):
            raise SettingError(
                f"every must be a positive whole number of batches or None (redraw per epoch); got {every!r}."
            )
        if not (
            isinstance(min_interval, (int, float))
            and math.isfinite(min_interval)
            and min_interval >= 0
        ):
            raise SettingError(
                f"min_interval must be a number of seconds >= 0; got {min_interval!r}."
            )
        import ipywidgets as widgets
        from matplotlib.figure import Figure

        self.every = every
        self.min_interval = float(min_interval)
        self.metrics = None if metrics is None else list(metrics)
        self.log_scale = log_scale
        self.title = title
        self.show = show
        self.figure = Figure(figsize=figsize, dpi=80)
        self.axes = self.figure.subplots()
        status = widgets.HTML(value="<i>waiting for training to start</i>")
        output = widgets.Output()
        self.widget = widgets.VBox([status, output])
        self.widget.status, self.widget.output = status, output
        self._displayed = False
        self._reset()

    # -- state ---------------------------------------------------------------------------------
    def _reset(self):
        self.history: dict[str, list] = {"step": []}
        self.batch_step: list[int] = []
        self.batch_loss: list[float] = []
        self.step = 0
        self.epoch = 0
        self.redraws = 0
        self.skipped = 0
        self.drawn: dict[str, list] = {}
        self._last_draw_time = -math.inf
        self._last_draw_step = 0
        self._dirty = False
        self._epochs = None

    def _ipython_display_(self):
        from IPython.display import display

        self._displayed = True
        display(self.widget)

    # -- Keras hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._reset()
        self._epochs = (self.params or {}).get("epochs")
        self.widget.status.value = "<i>training started</i>"
        self.widget.output.outputs = ()
        show = self.show
        if show is None:
            from IPython import get_ipython

            show = get_ipython() is not None and not self._displayed
        if show:
            self._ipython_display_()

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        loss = (logs or {}).get("loss")
        if loss is not None:
            self.batch_step.append(self.step)
            self.batch_loss.append(float(loss))
            self._dirty = True
        if self.every is not None and self.step - self._last_draw_step >= self.every:
            self._maybe_redraw()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch = epoch + 1
        for name, value in (logs or {}).items():
            values = self.history.setdefault(name, [None] * len(self.history["step"]))
            values.append(float(value))
        self.history["step"].append(self.step)
        for values in self.history.values():  # a metric that was missing this epoch
            if len(values) < len(self.history["step"]):
                values.append(None)
        # The running loss of a finished epoch is now one point of the epoch curve.
        self.batch_step, self.batch_loss = [], []
        self._dirty = True
        self._maybe_redraw()

    def on_train_end(self, logs=None):
        if self._dirty or self.redraws == 0:
            self.redraw()

    # -- drawing -------------------------------------------------------------------------------
    def _maybe_redraw(self):
        if time.monotonic() - self._last_draw_time < self.min_interval:
            self.skipped += 1
            return
        self.redraw()

    def _plotted_metrics(self) -> list[str]:
        if self.metrics is not None:
            return [name for name in self.metrics if name in self.history]
        return [name for name in self.history if "loss" in name]

    def redraw(self):
        """Draw the figure and the status line now (the throttle calls this for you)."""
        ax = self.axes
        ax.clear()
        drawn = {"step": list(self.history["step"])}
        for name in self._plotted_metrics():
            values = list(self.history[name])
            drawn[name] = values
            points = [(s, v) for s, v in zip(drawn["step"], values) if v is not None]
            if points:
                label = {"loss": "training loss", "val_loss": "validation loss"}.get(name, name)
                ax.plot(*zip(*points), marker="o", markersize=3, label=label)
        drawn["batch_step"], drawn["batch_loss"] = list(self.batch_step), list(self.batch_loss)
        if self.batch_step:
            ax.plot(
                self.batch_step,
                self.batch_loss,
                color="grey",
                linewidth=1,
                linestyle="--",
                label="this epoch so far (running mean)",
            )
        values = [
            v
            for k, vs in drawn.items()
            if k not in ("step", "batch_step")
            for v in vs
            if v is not None and np.isfinite(v)
        ]
        # A logarithmic axis once the loss spans a decade; within one, its ticks are unreadable.
        if self.log_scale and values and min(values) > 0 and max(values) / min(values) > 10:
            ax.set_yscale("log")
        ax.set(xlabel="optimizer step", ylabel="loss", title=self.title)
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="upper right")
        self.figure.tight_layout()
        self.widget.output.outputs = (_png_output(self.figure, "<loss curves>"),)
        self.widget.status.value = self._status_text()
        self.drawn = drawn
        self.redraws += 1
        self._dirty = False
        self._last_draw_time = time.monotonic()
        self._last_draw_step = self.step

    def _status_text(self) -> str:
        epochs = f"/{self._epochs}" if self._epochs else ""
        parts = [f"epoch <b>{self.epoch}{epochs}</b>", f"step <b>{self.step}</b>"]
        latest = {
            name: values[-1]
            for name, values in self.history.items()
            if name != "step" and values and values[-1] is not None
        }
        if self.batch_loss:
            latest["loss"] = self.batch_loss[-1]
        for name in self._plotted_metrics() or list(latest):
            if name in latest and np.isfinite(latest[name]):
                parts.append(f"{html.escape(name)} <b>{latest[name]:.4g}</b>")
        return " · ".join(parts)
