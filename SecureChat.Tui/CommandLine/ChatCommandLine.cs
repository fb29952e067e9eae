using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.CommandLine;

/// <summary>
/// The command line, exactly as users type it: <c>--server [--host H] [--port P]</c> or
/// <c>--client [host] [port]</c>, plus the shared options. Parse errors become one line on stderr and exit code 2.
/// </summary>
internal static class ChatCommandLine
{
    public const int UsageExitCode = 2;

    /// <summary>Parses <paramref name="args"/> and calls <paramref name="run"/> with the result; returns the exit code.</summary>
    public static int Invoke(string[] args, Func<AppSettings, int> run, TextWriter? error = null)
    {
        error ??= Console.Error;
        var command = new ChatRootCommand();
        ParseResult result = command.Parse(args);
        if (result.Action is not HelpAction && result.Errors.Count > 0)
        {
            error.WriteLine($"securechat: {OneLine(result.Errors[0].Message)} (see --help)");
            return UsageExitCode;
        }

        if (result.Action is not null)
        {
            // --help or --version: the only actions; the chat itself runs below.
            return result.Invoke();
        }

        AppSettings settings;
        try
        {
            settings = command.Bind(result);
        }
        catch (UsageException e)
        {
            error.WriteLine($"securechat: {e.Message} (see --help)");
            return UsageExitCode;
        }

        return run(settings);
    }

    /// <summary>A whole number option in [min, max], or its default when absent; a plain-words usage error otherwise.</summary>
    internal static int Number(string? text, string option, int min, int max, int fallback) =>
        text is null ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max ? n
        : throw new UsageException($"{option} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Binds without running: for tests and for <see cref="Invoke"/>.</summary>
    public static AppSettings Parse(string[] args)
    {
        var command = new ChatRootCommand();
        ParseResult result = command.Parse(args);
        if (result.Errors.Count > 0)
        {
            throw new UsageException(result.Errors[0].Message);
        }

        return command.Bind(result);
    }

    private sealed class ChatRootCommand : RootCommand
    {
        private readonly Option<bool> _server = new("--server") { Description = "Listen for clients (on localhost:12345 unless --host/--port say otherwise)." };
        private readonly Option<string[]> _client = new("--client")
        {
            Description = "Connect to a server; host and port may follow (default: localhost 12345).",
            Arity = new ArgumentArity(0, 2),
            AllowMultipleArgumentsPerToken = true,
            HelpName = "host [port] | host:port | [v6]:port",
        };

        private readonly Option<string> _host = new("--host") { Description = "Server: the address to listen on (default: localhost).", HelpName = "host" };
        private readonly Option<string> _port = new("--port") { Description = "Server: the port to listen on (default: 12345; 0 picks a free one).", HelpName = "port" };
        private readonly Option<string> _name = new("--name") { Description = "Your display name: 1 to 32 visible characters, not starting with *, ! or [ (default: Server or Client).", HelpName = "nick" };
        private readonly Option<string> _group = new("--group")
        {
            Description = "Smallest Diffie-Hellman group to accept (default: ffdhe2048).",
            HelpName = "ffdhe2048|ffdhe3072|ffdhe4096",
        };

        private readonly Option<string> _iterations = new("--iterations")
        {
            Description = $"PBKDF2 iterations: a server's own count, a client's minimum; from {ChatOptions.MinimumIterations:N0} (the default) to --max-iterations.",
            HelpName = "N",
        };

        private readonly Option<bool> _passphrasePrompt = new("--passphrase-prompt") { Description = "Ask for a shared passphrase (typed without echo)." };
        private readonly Option<string> _passphraseFile = new("--passphrase-file") { Description = "Read the shared passphrase from a file (first line).", HelpName = "path" };
        private readonly Option<string> _passphraseEnv = new("--passphrase-env") { Description = "Read the shared passphrase from an environment variable.", HelpName = "var" };
        private readonly Option<bool> _headless = new("--headless") { Description = "No full screen: send lines from stdin, print one line per event (for scripts and pipes)." };

        private readonly Option<bool> _timestamps = new("--timestamps") { Description = "Headless: put the time (HH:mm) before each line." };
        private readonly Option<string> _scrollback = new("--scrollback")
        {
            Description = $"Lines the message pane keeps (default: {Views.MessagePane.DefaultCapacity}); older ones are dropped, with a notice.",
            HelpName = "N",
        };

        private readonly Option<string> _maxIterations = new("--max-iterations")
        {
            Description = $"The most PBKDF2 iterations a client accepts from a server, and the most a server's own --iterations may be; {ChatOptions.MinimumIterations:N0} to {ChatOptions.MaximumIterations:N0} (default: {ChatOptions.DefaultMaxIterations:N0}).",
            HelpName = "N",
        };

        private readonly Option<string> _configDir = new("--config-dir")
        {
            Description = "Where your identity key and the identities you trust are kept (default: $XDG_CONFIG_HOME/securechat, else ~/.config/securechat).",
            HelpName = "dir",
        };

        private readonly Option<string> _acceptIdentity = new("--accept-identity")
        {
            Description = "Client: accept a server whose identity changed, if it now shows exactly this fingerprint (compare it out of band first).",
            HelpName = "fingerprint",
        };

        private readonly Option<string> _puzzle = new("--puzzle") { Description = "Server: when clients must solve a proof of work first (default: auto, under load).", HelpName = "auto|always|never" };
        private readonly Option<string> _puzzleBits = new("--puzzle-bits") { Description = "Server: puzzle difficulty in bits (default: 18, about one PBKDF2 of work).", HelpName = "N" };
        private readonly Option<string> _sourceRate = new("--source-rate") { Description = "Server: handshakes per second one address may start before it must solve puzzles (default: 10).", HelpName = "N" };
        private readonly Option<string> _perSource = new("--per-source") { Description = "Server: handshakes in progress allowed from one address (default: 16).", HelpName = "N" };
        private readonly Option<string> _presenceDelay = new("--presence-delay") { Description = "Server: milliseconds a join, rename or leave may wait to go out together with others, 0 to 5000 (default: 250; 0 sends each at once).", HelpName = "MS" };
        private readonly Option<bool> _bell = new("--bell")
        {
            Description = "Full screen: while you are away (the terminal window lost focus, or no key for a minute), ring the bell once per burst of messages and count them in the window title (off by default).",
        };

        private readonly Option<bool> _noMouse = new("--no-mouse")
        {
            Description = "Full screen: leave the mouse to the terminal, so a plain drag selects text (PgUp/PgDn scroll the messages; the wheel is the terminal's).",
        };

        private readonly ServerLimitOptions _limits = new();

        public ChatRootCommand()
            : base("SecureChat: terminal chat through a hub, encrypted between each client and the server (Diffie-Hellman key exchange, AES-256 + HMAC-SHA256); the server's operator can read what it relays.")
        {
            Options.Add(_server);
            Options.Add(_client);
            Options.Add(_host);
            Options.Add(_port);
            Options.Add(_name);
            Options.Add(_group);
            Options.Add(_iterations);
            Options.Add(_passphrasePrompt);
            Options.Add(_passphraseFile);
            Options.Add(_passphraseEnv);
            Options.Add(_headless);
            Options.Add(_timestamps);
            Options.Add(_scrollback);
            Options.Add(_bell);
            Options.Add(_noMouse);
            Options.Add(_maxIterations);
            Options.Add(_configDir);
            Options.Add(_acceptIdentity);
            Options.Add(_puzzle);
            Options.Add(_puzzleBits);
            Options.Add(_sourceRate);
            Options.Add(_presenceDelay);
            Options.Add(_perSource);
            foreach (Option limit in _limits.All)
            {
                Options.Add(limit);
            }
        }

        /// <summary>Options only a server acts on (--host and --port serve a client too, as defaults for its address).</summary>
        private IEnumerable<Option> ServerOnly => [_puzzle, _puzzleBits, _sourceRate, _perSource, _presenceDelay, .. _limits.ServerOnly];

        private IEnumerable<Option> ClientOnly => [_acceptIdentity];

        public AppSettings Bind(ParseResult result)
        {
            bool server = result.GetValue(_server);
            bool client = result.GetResult(_client) is not null;
            if (server == client)
            {
                throw new UsageException(server ? "choose either --server or --client, not both" : "choose --server or --client");
            }

            // An option of the other role would be ignored without a word; a user who typed it expects it to act.
            if ((client ? ServerOnly : ClientOnly).FirstOrDefault(o => result.GetResult(o) is not null) is { } misplaced)
            {
                throw new UsageException(client
                    ? $"{misplaced.Name} is a server option: it does nothing with --client"
                    : $"{misplaced.Name} is a client option: it does nothing with --server");
            }

            string host = result.GetValue(_host) ?? AppSettings.DefaultHost;
            int port = result.GetValue(_port) is { } portText ? ParsePort(portText, "--port", allowZero: true) : AppSettings.DefaultPort;
            if (client)
            {
                string[] positional = result.GetValue(_client) ?? [];
                if (positional.Length > 0)
                {
                    (host, int? inline) = SplitHostPort(positional[0]);
                    if (inline is { } p)
                    {
                        port = positional.Length > 1
                            ? throw new UsageException($"the port is given twice: '{positional[0]}' and '{positional[1]}'")
                            : p;
                    }
                }

                if (positional.Length > 1)
                {
                    port = ParsePort(positional[1], "the port", allowZero: false);
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
            int maxIterations = Number(result.GetValue(_maxIterations), "--max-iterations", ChatOptions.MinimumIterations, ChatOptions.MaximumIterations, new ChatOptions().MaxIterations);
            if (iterations > maxIterations)
            {
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"--iterations {iterations} is above the maximum, --max-iterations {maxIterations}: lower it, or raise --max-iterations"));
            }

            string name = result.GetValue(_name) ?? string.Empty;
            if (result.GetResult(_name) is not null && !NameRules.TryValidate(name, out _, out string problem))
            {
                throw new UsageException($"--name: {problem}");
            }

            (PassphraseSource source, string location) = BindPassphrase(result);
            return _limits.Bind(result, new AppSettings
            {
                Role = server ? ChatRole.Server : ChatRole.Client,
                Host = host,
                Port = port,
                Name = name,
                Group = ParseGroup(result.GetValue(_group)),
                Iterations = iterations,
                Headless = result.GetValue(_headless),
                Timestamps = result.GetValue(_timestamps),
                Bell = result.GetValue(_bell),
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
                Puzzle = result.GetValue(_puzzle)?.ToLowerInvariant() switch
                {
                    null or "auto" => PuzzleMode.Auto,
                    "always" => PuzzleMode.Always,
                    "never" => PuzzleMode.Never,
                    _ => throw new UsageException("--puzzle must be auto, always or never"),
                },
                PuzzleBits = Number(result.GetValue(_puzzleBits), "--puzzle-bits", 1, ChatOptions.MaxPuzzleDifficulty, new ChatOptions().PuzzleDifficulty),
                SourceRate = Number(result.GetValue(_sourceRate), "--source-rate", 1, 1_000_000, (int)new ChatOptions().HandshakesPerSourcePerSecond),
                PerSource = Number(result.GetValue(_perSource), "--per-source", 1, 1_000_000, new ChatOptions().MaxPendingHandshakesPerSource),
                PresenceDelayMs = Number(result.GetValue(_presenceDelay), "--presence-delay", 0, 5000, (int)new ChatOptions().PresenceDelay.TotalMilliseconds),
            });
        }

        private (PassphraseSource Source, string Location) BindPassphrase(ParseResult result)
        {
            var chosen = new List<(PassphraseSource, string)>();
            if (result.GetValue(_passphrasePrompt))
            {
                chosen.Add((PassphraseSource.Prompt, string.Empty));
            }

            if (result.GetValue(_passphraseFile) is { } file)
            {
                chosen.Add((PassphraseSource.File, file));
            }

            if (result.GetValue(_passphraseEnv) is { } variable)
            {
                chosen.Add((PassphraseSource.Environment, variable));
            }

            return chosen.Count switch
            {
                0 => (PassphraseSource.None, string.Empty),
                1 => chosen[0],
                _ => throw new UsageException("use only one of --passphrase-prompt, --passphrase-file and --passphrase-env"),
            };
        }

        private static int ParsePort(string text, string what, bool allowZero) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535 && (port > 0 || allowZero)
                ? port
                : throw new UsageException($"{what} must be a number from {(allowZero ? 0 : 1)} to 65535 (not '{text}')");

        /// <summary>"host", "host:port", "[v6]:port", "[v6]" or a bare IPv6 address ("::1", which has several colons).</summary>
        private static (string Host, int? Port) SplitHostPort(string text)
        {
            if (text.StartsWith('['))
            {
                int close = text.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
                {
                    throw new UsageException($"'{text}' is not an address: write an IPv6 address with a port as [::1]:12345");
                }

                string inside = text[1..close];
                return close + 1 < text.Length ? (inside, ParsePort(text[(close + 2)..], "the port", allowZero: false)) : (inside, null);
            }

            int colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return (text, null);
            }

            if (colon != text.LastIndexOf(':'))
            {
                return System.Net.IPAddress.TryParse(text, out _)
                    ? (text, null)
                    : throw new UsageException($"'{text}' is not an address: write host:port, or an IPv6 address with a port as [::1]:12345");
            }

            return (text[..colon], ParsePort(text[(colon + 1)..], "the port", allowZero: false));
        }

        private static DhGroupId ParseGroup(string? name) => name?.ToLowerInvariant() switch
        {
            null or "ffdhe2048" => DhGroupId.Ffdhe2048,
            "ffdhe3072" => DhGroupId.Ffdhe3072,
            "ffdhe4096" => DhGroupId.Ffdhe4096,
            _ => throw new UsageException($"unknown group '{name}': use ffdhe2048, ffdhe3072 or ffdhe4096"),
        };
    }
}
