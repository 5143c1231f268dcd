"""The REST API: serializers, filters, views and their URLs."""
