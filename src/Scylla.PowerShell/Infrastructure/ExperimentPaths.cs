using System.Management.Automation;

namespace Scylla.PowerShell.Infrastructure;

/// <summary>A file-system path resolved from <c>-Path</c> or <c>-LiteralPath</c>, and whether a wildcard produced it.</summary>
internal readonly record struct ResolvedPath(string Path, bool FromWildcard);

/// <summary>Resolves user paths through the session state (so <c>~</c>, PSDrives and <c>$PWD</c> work), never the process directory.</summary>
internal static class ExperimentPaths
{
    /// <summary>Resolves each path; one that matches nothing is a non-terminating error, and the others still resolve.</summary>
    public static IEnumerable<ResolvedPath> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal)
    {
        foreach (var path in paths)
        {
            var resolved = new List<ResolvedPath>();
            try
            {
                if (literal)
                {
                    var full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                    if (!Directory.Exists(full) && !File.Exists(full))
                    {
                        throw new ItemNotFoundException($"Cannot find path '{full}' because it does not exist.");
                    }

                    resolved.Add(new ResolvedPath(full, false));
                }
                else
                {
                    var wildcard = WildcardPattern.ContainsWildcardCharacters(path);
                    var matches = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out var provider);
                    if (provider.Name != "FileSystem")
                    {
                        throw new ItemNotFoundException($"'{path}' is not a file-system path.");
                    }

                    resolved.AddRange(matches.Select(m => new ResolvedPath(m, wildcard)));
                }
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                cmdlet.WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }

            foreach (var item in resolved)
            {
                // 'exp' and 'exp/' are one experiment.
                yield return item with { Path = System.IO.Path.TrimEndingDirectorySeparator(item.Path) };
            }
        }
    }
}
