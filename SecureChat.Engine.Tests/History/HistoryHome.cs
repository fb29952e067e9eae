using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.History;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.History;

/// <summary>
/// A config directory and a data directory in a fresh temporary folder (never the user's home), and history options
/// over them with a cheap Argon2id cost so that unlocking takes milliseconds.
/// </summary>
internal sealed class HistoryHome : IDisposable
{
    public static readonly HistoryConversation Lobby = new("hub-a", "#lobby");
    public static readonly HistoryConversation Dev = new("hub-a", "#dev");
    public static readonly HistoryConversation LobbyOnHubB = new("hub-b", "#lobby");
    public static readonly HistoryConversation Alice = new("hub-a", "alice");

    private readonly TempDirectory _root = new();

    public HistoryHome()
    {
        Config = ConfigDirectory.OpenPath(_root.Combine("config"));
        DataPath = _root.Combine("data");
    }

    public ConfigDirectory Config { get; }

    public string DataPath { get; }

    public string DatabasePath => Path.Combine(DataPath, "history.db");

    public string Combine(params string[] parts) => _root.Combine(parts);

    public HistoryOptions Options(string? passphrase = null, TimeSpan? retention = null, TimeProvider? time = null) => new()
    {
        DataDirectory = DataPath,
        ConfigDirectory = Config,
        Passphrase = passphrase is null ? null : Encoding.UTF8.GetBytes(passphrase),
        Retention = retention,
        Time = time ?? TimeProvider.System,
        KdfCost = new HistoryKdfCost(1024, 1),
    };

    public HistoryStore Open(string? passphrase = null, TimeSpan? retention = null, TimeProvider? time = null) =>
        HistoryStore.Open(Options(passphrase, retention, time));

    /// <summary>SHA-256 of every file under a directory, by relative path, to prove that nothing in it changed.</summary>
    public static Dictionary<string, string> Hashes(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(directory, f),
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    public static HistoryMessage Message(HistoryConversation conversation, string text, DateTimeOffset? time = null, string sender = "bob", bool own = false) =>
        new(conversation, time ?? DateTimeOffset.UnixEpoch.AddYears(56), sender, text, own);

    public void Dispose() => _root.Dispose();
}
