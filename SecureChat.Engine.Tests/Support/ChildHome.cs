namespace SecureChat.Engine.Tests.Support;

/// <summary>
/// An empty home for the child processes these tests start (<see cref="ServerProcess"/>, <see cref="StarvedClientProcess"/>):
/// HOME, DOTNET_CLI_HOME and XDG_CONFIG_HOME point into a fresh temporary folder, so neither the runtime host nor any
/// engine default reads or writes the user's own files. The folder is removed when the test process exits.
/// </summary>
internal static class ChildHome
{
    private static readonly Lazy<string> s_path = new(() =>
    {
        string path = Directory.CreateTempSubdirectory("securechat-engine-home-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // A child that still runs may hold it; the temporary folder is cleaned up later.
            }
        };
        return path;
    });

    public static void Apply(IDictionary<string, string?> environment)
    {
        environment["HOME"] = s_path.Value;
        environment["DOTNET_CLI_HOME"] = s_path.Value;
        environment["XDG_CONFIG_HOME"] = Path.Combine(s_path.Value, ".config");
    }
}
