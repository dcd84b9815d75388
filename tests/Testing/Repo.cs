namespace Workflows.Testing;

/// <summary>Paths inside this repository, found from the test's working directory.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Workflows => Path.Combine(Root, "workflows");
    public static string Calendars => Path.Combine(Root, "workflows", "calendars");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Workflow.sln"))) return dir.FullName;
        throw new InvalidOperationException("Workflow.sln not found above " + AppContext.BaseDirectory);
    }
}
