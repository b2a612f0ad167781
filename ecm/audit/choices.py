from django.db import models


class ActorType(models.TextChoices):
    USER = "user", "User"
    SYSTEM = "system", "System"
    API_CLIENT = "api_client", "API client"
    ANONYMOUS = "anonymous", "Anonymous"
