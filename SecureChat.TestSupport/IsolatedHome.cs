namespace SecureChat.TestSupport;

/// <summary>
/// An empty home for every process the tests start (the app, tmux, run.sh, the engine tests' server and client
/// children): HOME, DOTNET_CLI_HOME and the XDG base directories point into one fresh temporary folder per test
/// process, so nothing a test starts reads or writes the user's own files (neither the runtime host nor any default
/// of the app or the engine). The folder is removed when the test process exits.
/// </summary>
public static class IsolatedHome
{
    private static readonly Lazy<string> s_path = new(Create);

    public static string Path => s_path.Value;

    public static void Apply(IDictionary<string, string?> environment)
    {
        environment["HOME"] = Path;
        environment["DOTNET_CLI_HOME"] = Path;
        environment["XDG_CONFIG_HOME"] = System.IO.Path.Combine(Path, ".config");
        environment["XDG_DATA_HOME"] = System.IO.Path.Combine(Path, ".local", "share");
        environment["XDG_STATE_HOME"] = System.IO.Path.Combine(Path, ".local", "state");
        environment["XDG_CACHE_HOME"] = System.IO.Path.Combine(Path, ".cache");
    }

    private static string Create()
    {
        string path = Directory.CreateTempSubdirectory("securechat-home-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // A process that still runs may hold it; the temporary folder is cleaned up later.
            }
        };
        return path;
    }
}
