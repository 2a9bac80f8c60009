"""Progress bars for management commands, drawn on the command's stderr."""

from tqdm import tqdm


def progress_bar(command, *, total: int | None, desc: str, unit: str = "item", verbosity: int = 1) -> tqdm:
    """A tqdm bar on `command.stderr`, so stdout stays clean for results; silent at verbosity 0."""
    # tqdm redraws with carriage returns; Django's OutputWrapper would end every redraw with a
    # newline, so the bar writes to the stream underneath it.
    return tqdm(total=total, desc=desc, unit=unit, file=command.stderr._out, disable=verbosity == 0, leave=False, mininterval=0.5)
