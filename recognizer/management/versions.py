"""What the recognizer's commands share: `--version TAG` names a model version."""


class ModelVersionOption:
    """Mixin for commands whose `--version` names a model version instead of printing Django's."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Django adds its own --version to every command; "resolve" lets ours replace it.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)
