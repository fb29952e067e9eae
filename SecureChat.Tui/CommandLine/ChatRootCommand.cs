using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// Every option of the command line, and how a parse result becomes <see cref="AppSettings"/>: each value checked
/// and turned into plain-words <see cref="UsageException"/>s, a value not given taken from <c>config.toml</c>
/// (<see cref="ConfigFile"/>), else the default. Not thread-safe; one per parse.
/// </summary>
internal sealed partial class ChatRootCommand : RootCommand
{
    private readonly Option<bool> _server = new("--server") { Description = "listen for clients on --host and --port" };
    private readonly Option<string[]> _client = new("--client")
    {
        Description = "connect to a server: HOST PORT, HOST:PORT, [IPv6]:PORT, or the name of a profile in config.toml (a profile wins over a host of the same name)",
        Arity = new ArgumentArity(0, 2),
        AllowMultipleArgumentsPerToken = true,
        HelpName = "[HOST [PORT] | PROFILE]",
    };

    private readonly Option<string> _host = new("--host") { Description = "the address to listen on", HelpName = "HOST" };
    private readonly Option<string> _port = new("--port") { Description = "the port to listen on, 0 to 65535; 0 for any free one", HelpName = "PORT" };
    private readonly Option<string> _name = new("--name")
    {
        Description = "your display name: 1 to 32 visible characters, not starting with *, ! or [",
        HelpName = "NICK",
    };

    private readonly Option<string> _group = new("--group")
    {
        Description = "the smallest Diffie-Hellman group you accept: ffdhe2048, ffdhe3072 or ffdhe4096",
        HelpName = "GROUP",
    };

    private readonly Option<string> _iterations = new("--iterations")
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"PBKDF2 iterations: a server's own count, the least a client accepts; {ChatOptions.MinimumIterations} to --max-iterations"),
        HelpName = "N",
    };

    private readonly Option<string> _maxIterations = new("--max-iterations")
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"the most PBKDF2 iterations a client accepts from a server, and the most a server's own --iterations may be; {ChatOptions.MinimumIterations} to {ChatOptions.MaximumIterations}"),
        HelpName = "N",
    };

    private readonly Option<string> _configDir = new("--config-dir")
    {
        Description = "where config.toml, your identity key and the identities you trust are kept; created 0700",
        HelpName = "DIR",
    };

    private readonly Option<string> _acceptIdentity = new("--accept-identity")
    {
        Description = "accept a server whose identity changed if it now shows exactly this fingerprint (compare it out of band first)",
        HelpName = "FINGERPRINT",
    };

    private readonly Option<bool> _passphrasePrompt = new("--passphrase-prompt") { Description = "ask for a shared passphrase, typed without echo" };
    private readonly Option<string> _passphraseFile = new("--passphrase-file") { Description = "read the shared passphrase from the first line of a file", HelpName = "PATH" };
    private readonly Option<string> _passphraseEnv = new("--passphrase-env") { Description = "read the shared passphrase from an environment variable", HelpName = "VAR" };
    private readonly Option<bool> _headless = new("--headless") { Description = "no full screen: send the lines read from stdin, print one line per event" };
    private readonly Option<bool> _timestamps = new("--timestamps") { Description = "put the time (ISO 8601, local, with seconds) before each line" };
    private readonly Option<bool> _json = new("--json") { Description = "one JSON object per line and event (time, event, from, identity, text, ...), for jq; implies --headless" };
    private readonly Option<string> _scrollback = new("--scrollback") { Description = "lines the message pane keeps, 10 to 1000000", HelpName = "N" };
    private readonly Option<bool> _bell = new("--bell")
    {
        Description = "while you are away (the window lost focus, or no key for a minute), ring the bell once per burst of messages and count them in the window title",
    };

    private readonly Option<bool> _noMouse = new("--no-mouse")
    {
        Description = "leave the mouse to the terminal, so a plain drag selects text (PgUp/PgDn scroll the messages)",
    };

    private readonly Option<bool> _noReconnect = new("--no-reconnect")
    {
        Description = "exit when the connection to the server is lost, instead of connecting again after a pause (1, 2, 4 ... up to 60 seconds)",
    };

    private readonly Option<bool> _reconnect = new("--reconnect")
    {
        Description = "when the connection to the server is lost, connect again after a pause (1, 2, 4 ... up to 60 seconds) instead of exiting",
    };

    private readonly ServerLimitOptions _limits = new();
    private readonly List<OptionEntry> _entries = [];

    public ChatRootCommand()
        : base("SecureChat: terminal chat through a hub, end-to-end encrypted: every room and direct conversation is an MLS group (RFC 9420) of its members, inside links encrypted between each client and the server (Diffie-Hellman key exchange, AES-256 + HMAC-SHA256); the hub relays what it cannot read.")
    {
        const string address = "a client gives the address after --client (--client HOST PORT)";
        Add(new(_server, OptionGroup.Connection, OptionScope.Any));
        Add(new(_client, OptionGroup.Connection, OptionScope.Any) { Default = $"{AppSettings.DefaultHost} {Text(AppSettings.DefaultPort)}" });
        Add(new(_host, OptionGroup.Connection, OptionScope.Server) { Default = AppSettings.DefaultHost, MisplacedHint = address });
        Add(new(_port, OptionGroup.Connection, OptionScope.Server) { Default = Text(AppSettings.DefaultPort), MisplacedHint = address });
        Add(new(_name, OptionGroup.Connection, OptionScope.Any) { DefaultNote = "Server or Client" });
        Add(new(_group, OptionGroup.Connection, OptionScope.Any) { Default = "ffdhe2048" });
        Add(new(_iterations, OptionGroup.Connection, OptionScope.Any) { Default = Text(ChatOptions.MinimumIterations) });
        Add(new(_maxIterations, OptionGroup.Connection, OptionScope.Any) { Default = Text(ChatOptions.DefaultMaxIterations) });
        Add(new(_noReconnect, OptionGroup.Connection, OptionScope.ClientFullScreen));
        Add(new(_reconnect, OptionGroup.Connection, OptionScope.ClientHeadless));
        Add(new(_configDir, OptionGroup.IdentityAndTrust, OptionScope.Any) { DefaultNote = "$XDG_CONFIG_HOME/securechat, else ~/.config/securechat" });
        Add(new(_acceptIdentity, OptionGroup.IdentityAndTrust, OptionScope.Client));
        Add(new(_passphrasePrompt, OptionGroup.IdentityAndTrust, OptionScope.Any));
        Add(new(_passphraseFile, OptionGroup.IdentityAndTrust, OptionScope.Any));
        Add(new(_passphraseEnv, OptionGroup.IdentityAndTrust, OptionScope.Any));
        Add(new(_dataDir, OptionGroup.History, OptionScope.Any) { DefaultNote = "$XDG_DATA_HOME/securechat, else ~/.local/share/securechat" });
        Add(new(_noHistory, OptionGroup.History, OptionScope.Any));
        Add(new(_historyDays, OptionGroup.History, OptionScope.Any) { Default = "0" });
        Add(new(_historyPassphrasePrompt, OptionGroup.History, OptionScope.Any));
        Add(new(_historyPassphraseFile, OptionGroup.History, OptionScope.Any));
        Add(new(_historyPassphraseEnv, OptionGroup.History, OptionScope.Any));
        Add(new(_headless, OptionGroup.Display, OptionScope.Any));
        Add(new(_timestamps, OptionGroup.Display, OptionScope.Headless));
        Add(new(_json, OptionGroup.Display, OptionScope.Any));
        Add(new(_scrollback, OptionGroup.Display, OptionScope.FullScreen) { Default = Text(Views.MessagePane.DefaultCapacity) });
        Add(new(_bell, OptionGroup.Display, OptionScope.FullScreen));
        Add(new(_noMouse, OptionGroup.Display, OptionScope.FullScreen));
        foreach (OptionEntry limit in _limits.Entries)
        {
            Add(limit);
        }

        // --help and --version, which the root command brings: listed last.
        foreach (Option standard in Options.Where(o => !_entries.Exists(e => e.Option == o)).ToArray())
        {
            if (standard is HelpOption help)
            {
                help.Description = "show this help";
                help.Action = new HelpText(this);
            }
            else if (standard is VersionOption)
            {
                standard.Description = "show the version";
            }

            _entries.Add(new OptionEntry(standard, OptionGroup.General, OptionScope.Any));
        }
    }

    /// <summary>Every option, in the order the help lists them within their sections.</summary>
    public IReadOnlyList<OptionEntry> Entries => _entries;

    private static string Text(int number) => number.ToString(CultureInfo.InvariantCulture);

    private void Add(OptionEntry entry)
    {
        Options.Add(entry.Option);
        _entries.Add(entry);
    }

    /// <summary>
    /// The first problem with the words as typed, in plain words; null when there is none. An unknown option is
    /// named as such: the parser takes it for a value (one of the two --client takes, or one nobody takes), so
    /// its own message would name the wrong word.
    /// </summary>
    public string? FirstParseError(ParseResult result)
    {
        string[] known = Options.SelectMany(o => o.Aliases.Prepend(o.Name)).ToArray();
        string[] clientValues = result.GetResult(_client)?.Tokens.Select(t => t.Value).ToArray() ?? [];
        IReadOnlyList<string> unmatched = result.UnmatchedTokens;
        foreach (string value in result.Tokens.Where(t => t.Type == TokenType.Argument).Select(t => t.Value))
        {
            // A known name here came after "--", which makes it a plain argument: reported as one below.
            if (value.Length > 1 && value[0] == '-' && !known.Contains(value) && (unmatched.Contains(value) || clientValues.Contains(value)))
            {
                string typed = value.Split('=', 2)[0];
                return ServerLimits.Renamed.TryGetValue(typed, out string? renamed)
                    ? $"{typed} is now called {renamed}"
                    : OptionSpelling.Unknown(value, known);
            }
        }

        if (unmatched.Count > 0)
        {
            // A value after a switch (--bell=maybe): the switch is named, not a host and port (--server's stray
            // word gets the hint below, which says where an address goes).
            int at = result.Tokens.Select((t, i) => (t, i)).First(p => p.t.Type == TokenType.Argument && p.t.Value == unmatched[0]).i;
            Option? before = at > 0 && result.Tokens[at - 1] is { Type: TokenType.Option } flag
                ? Options.FirstOrDefault(o => o.Name == flag.Value || o.Aliases.Contains(flag.Value))
                : null;
            if (before is Option<bool> switchOption && switchOption != _server)
            {
                return $"{switchOption.Name} takes no value (not '{unmatched[0]}')";
            }

            return result.GetResult(_client) is null
                ? $"unexpected argument '{unmatched[0]}': only --client takes a host and port"
                : $"unexpected argument '{unmatched[0]}': --client takes a host and a port, no more";
        }

        if (result.Errors.Count == 0)
        {
            return null;
        }

        ParseError first = result.Errors[0];
        OptionResult? given = first.SymbolResult switch
        {
            OptionResult option => option,
            ArgumentResult { Parent: OptionResult option } => option,
            _ => null,
        };
        return given switch
        {
            { Tokens.Count: 0 } => $"{given.Option.Name} needs a value{(string.IsNullOrEmpty(given.Option.HelpName) ? string.Empty : $" ({given.Option.Name} {given.Option.HelpName})")}",
            { Tokens.Count: > 1 } => $"{given.Option.Name} is given more than once",
            _ => first.Message,
        };
    }

    /// <summary>The config directory as given (null: the default), before anything else is checked.</summary>
    public string? ConfigDir(ParseResult result) => result.GetValue(_configDir) is { Length: > 0 } dir ? dir : null;

    /// <summary>The settings: the command line's values, else <paramref name="config"/>'s, else the defaults.</summary>
    public AppSettings Bind(ParseResult result, ConfigFile? config = null)
    {
        config ??= ConfigFile.Empty;
        bool server = result.GetValue(_server);
        bool client = result.GetResult(_client) is not null;
        if (server == client)
        {
            throw new UsageException(server ? "choose either --server or --client, not both" : "choose --server or --client");
        }

        if (Misplaced(result, client) is { } misplaced)
        {
            throw new UsageException(misplaced);
        }

        ConfigSection section = server ? config.Server : config.Client;
        string host = result.GetValue(_host) ?? section.Host ?? AppSettings.DefaultHost;
        int port = result.GetValue(_port) is { } portText ? HostPort.ParsePort(portText, "--port", allowZero: true) : section.Port ?? AppSettings.DefaultPort;
        if (client)
        {
            string[] positional = result.GetValue(_client) ?? [];

            // One word naming a profile is that profile, even where it could be a host name too.
            if (positional.Length == 1 && config.Profile(positional[0]) is { } profile)
            {
                (section, host, port, positional) = (profile, profile.Host ?? AppSettings.DefaultHost, profile.Port ?? AppSettings.DefaultPort, []);
            }

            if (positional.Length > 0)
            {
                (host, int? inline) = HostPort.Split(positional[0]);
                if (inline is { } p)
                {
                    port = positional.Length > 1
                        ? throw new UsageException($"the port is given twice: '{positional[0]}' and '{positional[1]}'")
                        : p;
                }
            }

            if (positional.Length > 1)
            {
                port = HostPort.ParsePort(positional[1], "the port", allowZero: false);
            }
        }

        if (host.Length == 0)
        {
            throw new UsageException("the host is empty");
        }

        if (client && port == 0)
        {
            throw new UsageException("the port must be a number from 1 to 65535 (not 0)");
        }

        string iterationsMessage = $"--iterations must be a number from {ChatOptions.MinimumIterations} to {ChatOptions.MaximumIterations}";
        int iterations = ChatOptions.MinimumIterations;
        if (result.GetValue(_iterations) is { } iterationsText
            && (!int.TryParse(iterationsText, NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
                || iterations is < ChatOptions.MinimumIterations or > ChatOptions.MaximumIterations))
        {
            throw new UsageException(iterationsMessage);
        }

        // The count is this side's own setting and the maximum its own bound (a server's as much as a client's): a
        // count above it is refused, never a reason to raise the maximum behind the user's back.
        int maxIterations = ChatCommandLine.Number(result.GetValue(_maxIterations), "--max-iterations", ChatOptions.MinimumIterations, ChatOptions.MaximumIterations, new ChatOptions().MaxIterations);
        if (iterations > maxIterations)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--iterations {iterations} is above the maximum, --max-iterations {maxIterations}: lower it, or raise --max-iterations"));
        }

        string name = result.GetValue(_name) ?? section.Name ?? string.Empty;
        if (result.GetResult(_name) is not null && !NameRules.TryValidate(name, out _, out string problem))
        {
            throw new UsageException($"--name: {problem}");
        }

        (PassphraseSource source, string location) = BindPassphrase(result);
        if (source == PassphraseSource.None && section.PassphraseFile is { } file)
        {
            (source, location) = (PassphraseSource.File, file);
        }

        (PassphraseSource historySource, string historyLocation) = BindHistoryPassphrase(result);
        bool noHistory = result.GetValue(_noHistory);
        if (noHistory && (historySource != PassphraseSource.None || result.GetValue(_dataDir) is not null || result.GetValue(_historyDays) is not null))
        {
            throw new UsageException("--no-history keeps no history: it does nothing with --data-dir, --history-days or a history passphrase");
        }

        return new AppSettings
        {
            Role = server ? ChatRole.Server : ChatRole.Client,
            Host = host,
            Port = port,
            Name = name,
            Group = ParseGroup(result.GetValue(_group)),
            Iterations = iterations,
            Headless = result.GetValue(_headless) || result.GetValue(_json),
            Timestamps = result.GetValue(_timestamps),
            Json = result.GetValue(_json),
            Bell = result.GetValue(_bell),
            Reconnect = !server && (result.GetValue(_headless) || result.GetValue(_json) ? result.GetValue(_reconnect) : !result.GetValue(_noReconnect)),
            NoMouse = result.GetValue(_noMouse),
            Scrollback = result.GetValue(_scrollback) is { } lines
                ? int.TryParse(lines, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 10 and <= 1_000_000
                    ? n
                    : throw new UsageException("--scrollback must be a number from 10 to 1000000")
                : Views.MessagePane.DefaultCapacity,
            PassphraseSource = source,
            PassphraseLocation = location,
            MaxIterations = maxIterations,
            ConfigDir = result.GetValue(_configDir) is { Length: > 0 } dir ? dir : null,
            AcceptIdentity = result.GetValue(_acceptIdentity),
            DataDir = result.GetValue(_dataDir) is { Length: > 0 } data ? data : null,
            NoHistory = noHistory,
            HistoryDays = ChatCommandLine.Number(result.GetValue(_historyDays), "--history-days", 0, AppSettings.HistoryDaysMax, section.HistoryDays ?? 0),
            HistoryPassphraseSource = historySource,
            HistoryPassphraseLocation = historyLocation,
            Limits = _limits.Bind(result, section.Apply(new ChatOptions()), l => section.Limits.ContainsKey(l.Key) ? $" (in {config.Path})" : " (the default)"),
        };
    }

    /// <summary>An option given where it does nothing, in plain words; a user who typed it expects it to act, so it is never ignored.</summary>
    private string? Misplaced(ParseResult result, bool client)
    {
        bool headless = result.GetValue(_headless) || result.GetValue(_json);
        foreach (OptionEntry entry in _entries.Where(e => result.GetResult(e.Option) is { Implicit: false }))
        {
            string name = entry.Option.Name;
            string? problem = entry.Scope switch
            {
                OptionScope.Server when client => $"{name} is a server option: it does nothing with --client",
                OptionScope.Client when !client => $"{name} is a client option: it does nothing with --server",
                OptionScope.FullScreen when headless => $"{name} is a full-screen option: it does nothing with --headless",
                OptionScope.Headless when !headless => $"{name} is a headless option: it does nothing without --headless",
                OptionScope.ClientFullScreen or OptionScope.ClientHeadless when !client => $"{name} is a client option: it does nothing with --server",
                OptionScope.ClientFullScreen when headless => $"{name} is a full-screen option: it does nothing with --headless",
                OptionScope.ClientHeadless when !headless => $"{name} is a headless option: it does nothing without --headless",
                _ => null,
            };
            if (problem is not null)
            {
                return entry.MisplacedHint is { } hint ? $"{problem}; {hint}" : problem;
            }
        }

        return null;
    }

    private static DhGroupId ParseGroup(string? name) => name?.ToLowerInvariant() switch
    {
        null or "ffdhe2048" => DhGroupId.Ffdhe2048,
        "ffdhe3072" => DhGroupId.Ffdhe3072,
        "ffdhe4096" => DhGroupId.Ffdhe4096,
        _ => throw new UsageException($"unknown group '{name}': use ffdhe2048, ffdhe3072 or ffdhe4096"),
    };
}
