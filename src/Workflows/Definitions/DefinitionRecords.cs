namespace Workflows.Definitions;

/// <summary>A draft being edited for one key and region; saved even when invalid.</summary>
public sealed class DefinitionDraftRecord
{
    public long Id { get; set; }
    public string Key { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public string Json { get; set; } = "";
    public bool Valid { get; set; }
    public DateTime UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
    /// <summary>Bumped on every save, so two editors cannot silently overwrite each other.</summary>
    public int Revision { get; set; }
}

/// <summary>A published, immutable, numbered version; cases point at the one they started on.</summary>
public sealed class DefinitionVersionRecord
{
    public long Id { get; set; }
    public string Key { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public int Version { get; set; }
    public string Name { get; set; } = "";
    public string Json { get; set; } = "";
    public DateTime PublishedAt { get; set; }
    public string PublishedBy { get; set; } = "";
    /// <summary>The file revision it was imported from (workflows/), if any.</summary>
    public int? SourceRevision { get; set; }
}
