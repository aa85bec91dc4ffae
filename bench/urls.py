"""Bench-only routes: /bench/..., included by config/urls.py when BENCH_FLOORS=1."""

from django.urls import path

from bench import floors

urlpatterns = [
    path("quotes/b/", floors.quotes_b, name="bench-quotes-b"),
    path("quotes/c/", floors.quotes_c, name="bench-quotes-c"),
    path("statements/b/", floors.statements_b, name="bench-statements-b"),
    path("statements/c/", floors.statements_c, name="bench-statements-c"),
    path("exports/quotes.csv", floors.quotes_copy, name="bench-quotes-copy"),
]
