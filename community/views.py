from django.shortcuts import render


def community_home(request):
    """The community's front page (/community/)."""
    return render(request, "community/community_home.html")
