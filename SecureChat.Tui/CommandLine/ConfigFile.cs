using System.Globalization;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Identity;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// <c>config.toml</c> in the config directory (TOML 1.0, read with Tomlyn): <c>[server]</c> takes the keys of the
/// limits table (<see cref="ServerLimits"/>) and host, port, name and passphrase-file; <c>[client]</c> host, port,
/// name, passphrase-file and the limits that act on a client; each <c>[profiles.NAME]</c> host, port, name and
/// passphrase-file, so that <c>--client NAME</c> connects there. The command line overrides every value. The whole
/// file is checked when read, whichever role runs: an unknown key, a wrong type, a value out of range or a TOML
/// syntax error is one line naming the file, the line and the key. Immutable once read.
/// </summary>
internal sealed class ConfigFile
{
    public const string FileName = "config.toml";

    /// <summary>A config file larger than this is refused: it is a few lines a person writes.</summary>
    public const int FileMax = 1 << 20;

    private static readonly string[] s_sectionKeys = ["host", "port", "name", "passphrase-file", "history-days"];

    private ConfigFile(string path, ConfigSection server, ConfigSection client, IReadOnlyDictionary<string, ConfigSection> profiles)
    {
        Path = path;
        Server = server;
        Client = client;
        Profiles = profiles;
    }

    /// <summary>No file: every value from the command line or the defaults.</summary>
    public static ConfigFile Empty { get; } = new(FileName, ConfigSection.Empty, ConfigSection.Empty, new Dictionary<string, ConfigSection>());

    /// <summary>The file's full path, as errors name it.</summary>
    public string Path { get; }

    public ConfigSection Server { get; }

    public ConfigSection Client { get; }

    /// <summary>The <c>[profiles.NAME]</c> tables by NAME (case-sensitive, as TOML keys are).</summary>
    public IReadOnlyDictionary<string, ConfigSection> Profiles { get; }

    /// <summary>
    /// The values for <c>--client NAME</c>: the profile's, else <c>[client]</c>'s (and its limits); null when there
    /// is no profile of that name.
    /// </summary>
    public ConfigSection? Profile(string name) =>
        Profiles.TryGetValue(name, out ConfigSection? profile)
            ? Client with
            {
                Host = profile.Host ?? Client.Host,
                Port = profile.Port ?? Client.Port,
                Name = profile.Name ?? Client.Name,
                PassphraseFile = profile.PassphraseFile ?? Client.PassphraseFile,
                HistoryDays = profile.HistoryDays ?? Client.HistoryDays,
            }
            : null;

    /// <summary>
    /// The config file of <paramref name="configDir"/> (null: the default directory); <see cref="Empty"/> when it
    /// does not exist. Reads nothing else and creates nothing.
    /// </summary>
    /// <exception cref="ConfigFileInvalidException">the file cannot be read or is not valid.</exception>
    public static ConfigFile Load(string? configDir, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string directory;
        try
        {
            directory = ConfigDirectory.Resolve(configDir, environment);
        }
        catch (ConfigFileException e)
        {
            throw new ConfigFileInvalidException(e.Message);
        }

        string path = System.IO.Path.Combine(directory, FileName);
        string text;
        try
        {
            using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            RequirePrivate(stream, path);
            if (stream.Length > FileMax)
            {
                throw new ConfigFileInvalidException(string.Create(CultureInfo.InvariantCulture, $"{path} is larger than {FileMax} bytes: refusing to read it"));
            }

            using StreamReader reader = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
            text = reader.ReadToEnd();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Empty;
        }
        catch (DecoderFallbackException)
        {
            throw new ConfigFileInvalidException($"{path}: not UTF-8 text");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigFileInvalidException($"could not read {path}: {e.Message}");
        }

        return Parse(text, path, p => Resolve(p, directory, environment));
    }

    /// <summary>
    /// Refuses a file that other users can change, as ssh refuses such a config: it chooses where a client connects
    /// and which file its passphrase is read from.
    /// </summary>
    private static void RequirePrivate(FileStream stream, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        UnixFileMode mode = File.GetUnixFileMode(stream.SafeFileHandle);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            string octal = Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
            throw new ConfigFileInvalidException($"{path} can be changed by other users (mode {octal}): refusing to use it; chmod go-w {path}");
        }
    }

    /// <summary>The file's text, read from <paramref name="path"/>; <paramref name="resolvePath"/> makes a passphrase-file path whole.</summary>
    /// <exception cref="ConfigFileInvalidException">the first problem, in one line.</exception>
    public static ConfigFile Parse(string text, string path, Func<string, string>? resolvePath = null)
    {
        resolvePath ??= p => p;
        DocumentSyntax document = SyntaxParser.Parse(text, path, validate: true);
        foreach (DiagnosticMessage diagnostic in document.Diagnostics)
        {
            if (diagnostic.Kind == DiagnosticMessageKind.Error)
            {
                throw new ConfigFileInvalidException($"{Where(path, diagnostic.Span.Start.Line + 1)}: {OneLine(diagnostic.Message)}");
            }
        }

        var server = new SectionBuilder("[server]", allowZeroPort: true, ServerLimits.All);
        var client = new SectionBuilder("[client]", allowZeroPort: false, ServerLimits.All.Where(l => l.Scope == OptionScope.Any));
        var profiles = new Dictionary<string, SectionBuilder>(StringComparer.Ordinal);
        foreach ((string[] keys, ValueSyntax value, int line) in Entries(document, path))
        {
            string at = Where(path, line);
            SectionBuilder? section = keys switch
            {
                ["server", _] => server,
                ["client", _] => client,
                ["profiles", string name, _] => Profile(profiles, name),
                _ => null,
            };
            if (section is null)
            {
                throw new ConfigFileInvalidException($"{at}: {string.Join('.', keys)}: unknown key (the file has [server], [client] and [profiles.NAME] tables)");
            }

            section.Add(keys[^1], value, at, resolvePath);
        }

        return new ConfigFile(
            path,
            server.Build(),
            client.Build(),
            profiles.ToDictionary(p => p.Key, p => p.Value.Build(), StringComparer.Ordinal));
    }

    private static SectionBuilder Profile(Dictionary<string, SectionBuilder> profiles, string name)
    {
        if (!profiles.TryGetValue(name, out SectionBuilder? profile))
        {
            profile = new SectionBuilder($"[profiles.{name}]", allowZeroPort: false, []);
            profiles.Add(name, profile);
        }

        return profile;
    }

    /// <summary>Every key and value, its table's name before its own key, with its line (1-based).</summary>
    private static IEnumerable<(string[] Keys, ValueSyntax Value, int Line)> Entries(DocumentSyntax document, string path)
    {
        IEnumerable<(string[], ValueSyntax, int)> top = document.KeyValues.SelectMany(kv => Flatten([], kv));
        IEnumerable<(string[], ValueSyntax, int)> tables = document.Tables.SelectMany(table => table switch
        {
            TableSyntax { Name: { } name } => table.Items.SelectMany(kv => Flatten(Parts(name), kv)),
            _ => throw new ConfigFileInvalidException($"{Where(path, table.Span.Start.Line + 1)}: {string.Join('.', table.Name is { } name ? Parts(name) : [])}: arrays of tables are not used (write [server], [client] or [profiles.NAME])"),
        });
        return top.Concat(tables);
    }

    private static IEnumerable<(string[], ValueSyntax, int)> Flatten(string[] prefix, KeyValueSyntax entry)
    {
        string[] keys = [.. prefix, .. Parts(entry.Key!)];
        if (entry.Value is InlineTableSyntax inline)
        {
            return inline.Items.SelectMany(item => item.KeyValue is { } kv ? Flatten(keys, kv) : []);
        }

        return [(keys, entry.Value!, entry.Span.Start.Line + 1)];
    }

    private static string[] Parts(KeySyntax key) =>
        [Part(key.Key), .. key.DotKeys.Select(d => Part(d.Key))];

    private static string Part(BareKeyOrStringValueSyntax? key) => key switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? string.Empty,
        StringValueSyntax quoted => quoted.Value ?? string.Empty,
        _ => string.Empty,
    };

    private static string Where(string path, int line) => string.Create(CultureInfo.InvariantCulture, $"{path}:{line}");

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>"~/x" from HOME, a relative path from the config directory, an absolute one as it is.</summary>
    private static string Resolve(string path, string directory, Func<string, string?> environment) =>
        path.StartsWith("~/", StringComparison.Ordinal) && environment("HOME") is { Length: > 0 } home
            ? System.IO.Path.Combine(home, path[2..])
            : System.IO.Path.GetFullPath(path, directory);

    /// <summary>Collects one table's values, each checked as it is added. Not thread-safe.</summary>
    private sealed class SectionBuilder(string table, bool allowZeroPort, IEnumerable<ServerLimit> limits)
    {
        private readonly Dictionary<string, ServerLimit> _limits = limits.ToDictionary(l => l.Key);
        private readonly Dictionary<string, int> _values = [];
        private ConfigSection _section = ConfigSection.Empty;

        public void Add(string key, ValueSyntax value, string at, Func<string, string> resolvePath)
        {
            string where = $"{at}: {key}";
            if (_limits.TryGetValue(key, out ServerLimit? limit))
            {
                _values[key] = LimitValue(limit, value, where);
                return;
            }

            _section = key switch
            {
                "host" => _section with { Host = HostName(value, where) },
                "port" => _section with { Port = Port(value, where) },
                "name" => _section with { Name = DisplayName(value, where) },
                "passphrase-file" => _section with { PassphraseFile = resolvePath(Text(value, where)) },
                "history-days" => _section with { HistoryDays = HistoryDays(value, where) },
                _ => throw new ConfigFileInvalidException($"{where}: {Unknown(key)}"),
            };
        }

        public ConfigSection Build() => _section with { Limits = new Dictionary<string, int>(_values) };

        private string Unknown(string key)
        {
            if (ServerLimits.Find(key) is not null)
            {
                return $"a server limit, not a key of {table} (put it under [server])";
            }

            string[] known = [.. s_sectionKeys, .. _limits.Keys];
            IReadOnlyList<string> near = OptionSpelling.Suggest("--" + key, known.Select(k => "--" + k));
            return near.Count == 0
                ? $"unknown key in {table}"
                : $"unknown key in {table} (did you mean {ServerLimit.Words(near.Select(n => n[2..]).ToArray())}?)";
        }

        private static int HistoryDays(ValueSyntax value, string where)
        {
            long days = Integer(value, where);
            return days is >= 0 and <= AppSettings.HistoryDaysMax
                ? (int)days
                : throw new ConfigFileInvalidException(string.Create(CultureInfo.InvariantCulture, $"{where}: {days} is not a number of days (0 to {AppSettings.HistoryDaysMax}; 0 keeps every line)"));
        }

        private int Port(ValueSyntax value, string where)
        {
            long port = Integer(value, where);
            int min = allowZeroPort ? 0 : 1;
            return port >= min && port <= 65535
                ? (int)port
                : throw new ConfigFileInvalidException(string.Create(CultureInfo.InvariantCulture, $"{where}: {port} is not a port ({min} to 65535)"));
        }

        private static int LimitValue(ServerLimit limit, ValueSyntax value, string where)
        {
            if (limit.Unit == LimitUnit.Choice)
            {
                string word = value is StringValueSyntax { Value: { } s }
                    ? s
                    : throw new ConfigFileInvalidException($"{where}: expected a string ({ServerLimit.Words(limit.Choices.Select(c => $"\"{c}\"").ToArray())}), not {Kind(value)}");
                return limit.TryParse(word, out int choice)
                    ? choice
                    : throw new ConfigFileInvalidException($"{where}: \"{word}\" is not {ServerLimit.Words(limit.Choices)}");
            }

            long number = Integer(value, where);
            return limit.RangeProblem(number) is { } problem ? throw new ConfigFileInvalidException($"{where}: {problem}") : (int)number;
        }

        /// <summary>A host name or an address; the port has its own key, so "host:port" is refused rather than looked up.</summary>
        private static string HostName(ValueSyntax value, string where)
        {
            string host = Text(value, where);
            return host.Contains(':', StringComparison.Ordinal) && !System.Net.IPAddress.TryParse(host, out _)
                ? throw new ConfigFileInvalidException($"{where}: \"{host}\" is not a host name or address (give the port as port = N)")
                : host;
        }

        private static string DisplayName(ValueSyntax value, string where)
        {
            string name = Text(value, where);
            return NameRules.TryValidate(name, out _, out string problem) ? name : throw new ConfigFileInvalidException($"{where}: {problem}");
        }

        private static long Integer(ValueSyntax value, string where) => value is IntegerValueSyntax integer
            ? integer.Value
            : throw new ConfigFileInvalidException($"{where}: expected a whole number, not {Kind(value)}");

        private static string Text(ValueSyntax value, string where) => value switch
        {
            StringValueSyntax { Value: { Length: > 0 } s } => s,
            StringValueSyntax => throw new ConfigFileInvalidException($"{where}: is empty"),
            _ => throw new ConfigFileInvalidException($"{where}: expected a string, not {Kind(value)}"),
        };

        private static string Kind(ValueSyntax value) => value switch
        {
            StringValueSyntax => "a string",
            IntegerValueSyntax => "a whole number",
            FloatValueSyntax => "a number with a fraction",
            BooleanValueSyntax => "true or false",
            ArraySyntax => "an array",
            InlineTableSyntax => "a table",
            _ => "a date",
        };
    }
}
