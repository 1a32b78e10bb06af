from rest_framework import serializers

from core.models import Region, Sector
from enterprises.models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    sector = serializers.PrimaryKeyRelatedField(queryset=Sector.objects.all())
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    other_sectors = serializers.PrimaryKeyRelatedField(
        queryset=Sector.objects.all(), many=True, required=False
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "credit_code",
            "name",
            "address",
            "region",
            "region_name",
            "sector",
            "sector_name",
            "other_sectors",
            "scale",
            "principal",
            "principal_phone",
            "safety_manager",
            "safety_manager_phone",
            "department",
            "risk_grade",
            "standardization_level",
            "key_supervision",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness is checked by the service and the database, with a Chinese message.
        extra_kwargs = {"credit_code": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["credit_code"].read_only = True
