namespace SecureChat.Engine.Hub.Store;

/// <summary>
/// Where a hub keeps its store (<see cref="HubStore"/>): an explicit path (the server's <c>--data-dir DIR</c>), else
/// <c>$XDG_DATA_HOME/securechat</c> (XDG Base Directory spec: only an absolute value counts), else
/// <c>$HOME/.local/share/securechat</c>: the same rule as the config directory's, for data. Stateless.
/// </summary>
internal static class HubDataDirectory
{
    /// <summary>The directory, without touching the disk; <paramref name="environment"/> reads a variable (null when unset).</summary>
    /// <exception cref="HubStoreException">neither an explicit path, XDG_DATA_HOME nor HOME is set.</exception>
    public static string Resolve(string? explicitPath, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return Path.GetFullPath(explicitPath);
        }

        string? xdg = environment("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg))
        {
            return Path.Combine(xdg, Identity.ConfigDirectory.DirectoryName);
        }

        string? home = environment("HOME");
        if (!string.IsNullOrEmpty(home) && Path.IsPathFullyQualified(home))
        {
            return Path.Combine(home, ".local", "share", Identity.ConfigDirectory.DirectoryName);
        }

        throw new HubStoreException("cannot tell where the hub's data directory is: HOME is not set; use --data-dir DIR");
    }
}
