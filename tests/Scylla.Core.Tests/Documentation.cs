namespace Scylla.Core.Tests;

/// <summary>The project's own documentation of error ids: README's troubleshooting table and about_Scylla's ERROR IDS.</summary>
public static class Documentation
{
    private static readonly Lazy<(string Readme, string About)> s_texts = new(() =>
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root.GetFiles("Scylla.PowerShell.sln").Length == 0)
        {
            root = root.Parent ?? throw new DirectoryNotFoundException("The project root was not found above the test binaries.");
        }

        return (File.ReadAllText(Path.Combine(root.FullName, "README.md")),
            File.ReadAllText(Path.Combine(root.FullName, "docs", "en-US", "about_Scylla.help.txt")));
    });

    /// <summary>The id has a row of the troubleshooting table and a line of about_Scylla.</summary>
    public static void AssertDocumented(string errorId)
    {
        var (readme, about) = s_texts.Value;
        Assert.True(readme.Split('\n').Any(l => l.StartsWith('|') && l.Contains($"`{errorId}`", StringComparison.Ordinal)), $"{errorId} is not in README's troubleshooting table");
        Assert.True(about.Split('\n').Any(l => l.TrimStart().StartsWith(errorId + " ", StringComparison.Ordinal)), $"{errorId} is not in about_Scylla.help.txt");
    }
}
