from django import forms

from collector.labels import LABEL_CHOICES


class ReviewDecisionForm(forms.Form):
    """One decision of the review queue: keep the label, reject the drawing, or relabel it."""

    VERIFY, REJECT, RELABEL = "verify", "reject", "relabel"

    drawing = forms.IntegerField(min_value=1)
    decision = forms.ChoiceField(choices=[(VERIFY, "Label is right"), (REJECT, "Reject"), (RELABEL, "Relabel")])
    label = forms.TypedChoiceField(choices=LABEL_CHOICES, coerce=int, required=False, empty_value=None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.RELABEL and cleaned.get("label") is None:
            self.add_error("label", "Choose the digit the drawing shows, or not a digit.")
        return cleaned
