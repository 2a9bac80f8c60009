from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RecognizerConfig(AppConfig):
    name = "recognizer"
    verbose_name = "Recognizer"

    def ready(self):
        from recognizer.services import register_bundled_after_migrate

        post_migrate.connect(register_bundled_after_migrate, sender=self)
