namespace Workflows.Regions;

public sealed class RegionRecord
{
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string? ParentCode { get; set; }
}

/// <summary>The MLG standard (低保标准) of a region from a date; earlier rows are history, never overwritten.</summary>
public sealed class StandardRecord
{
    public long Id { get; set; }
    public string RegionCode { get; set; } = "";
    public DateOnly EffectiveFrom { get; set; }
    public long UrbanMonthlyFen { get; set; }
    public long RuralMonthlyFen { get; set; }
    public DateTime CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}
