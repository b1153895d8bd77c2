"""/api/v1/experts/: the expert pool (第十九条), whose ids a decision's ``experts-choose``
takes."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers

from workflows.api.views import StaffViewSet

from ..models import ExpertProfile


class ExpertSerializer(serializers.Serializer):
    """An expert of the pool (第十九条): ``id`` is what ``experts-choose`` takes."""

    id = serializers.IntegerField()
    person = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.get_full_name")
    fields = serializers.ListField(child=serializers.CharField())
    organisation = serializers.CharField()
    active = serializers.BooleanField()


@extend_schema(tags=["decisions"])
class ExpertViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The expert pool (第十九条): the ids ``experts-choose`` takes."""

    queryset = ExpertProfile.objects.none()
    serializer_class = ExpertSerializer
    ordering = "id"

    def visible_queryset(self):
        return ExpertProfile.objects.filter(active=True).select_related("user")
