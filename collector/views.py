from django.shortcuts import render


def collect_page(request):
    return render(request, "collector/collect.html")
