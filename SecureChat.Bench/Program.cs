using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SecureChat.Bench;

// SecureChat.Bench: loopback benchmarks with their baselines measured in the same run (see BENCHMARKS.md).
// Usage: dotnet run -c Release --project SecureChat.Bench -- [--quick] [--json]
// Progress goes to standard error; standard output carries only the table, or only the JSON object.
if (args.Length > 0 && args[0] == HubClientProcess.Flag)
{
    return await HubClientProcess.RunAsync(args);
}

if (args.Length > 0 && args[0] == GroupClientProcess.Flag)
{
    return await GroupClientProcess.RunAsync(args);
}

if (args.Length > 0 && args[0] == HubBench.ServerFlag)
{
    return await HubBench.RunServerProcessAsync(args);
}

if (args.Length > 0 && args[0] == SealSendProcess.SinkFlag)
{
    return await SealSendProcess.RunSinkAsync();
}

if (args.Length > 0 && args[0] == SealSendProcess.SenderFlag)
{
    return await SealSendProcess.RunSenderAsync(args);
}

if (args.Length > 0 && args[0] is BenchServerProcess.HandshakeFlag or BenchServerProcess.AttackFlag)
{
    return await BenchServerProcess.RunAsync(args[0]);
}

bool quick = false;
bool json = false;
string? only = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            quick = true;
            break;
        case "--json":
            json = true;
            break;
        case "--only" when i + 1 < args.Length:
            // For profiling one part (e.g. under perf): crypto, handshake, child, attack, rate64, rate4k, breakdown, rtt, rate, mls, hub, group.
            only = args[++i];
            break;
        default:
            Console.Error.WriteLine($"unknown option '{args[i]}'; usage: SecureChat.Bench [--quick] [--json] [--only PART]");
            return 2;
    }
}

BenchSettings settings = quick ? BenchSettings.QuickMode : BenchSettings.Full;
var results = new BenchResults();
var total = Stopwatch.StartNew();
string loadBefore = LoadAverage();

// The bench must always end on its own, whatever hangs.
using var watchdog = new Timer(
    _ =>
    {
        Console.Error.WriteLine("benchmark exceeded its time limit; stopping");
        Environment.Exit(3);
    },
    null,
    settings.Watchdog,
    Timeout.InfiniteTimeSpan);

await Step("crypto", "PBKDF2 and DH baselines", () =>
{
    (Samples pbkdf2, Samples raw) = CryptoBaselines.MeasurePbkdf2(settings);
    (Samples dh, Samples keyGen, Samples agree, Samples residue) = CryptoBaselines.MeasureDh(settings);
    results.Pbkdf2Ms = pbkdf2.Median;
    results.DhMs = dh.Median;
    results.Extra("crypto (one thread)", "PBKDF2 engine KeySchedule min/p50/max (ms)", $"{F(pbkdf2.Min)} / {F(pbkdf2.Median)} / {F(pbkdf2.Max)}");
    results.Extra("crypto (one thread)", "PBKDF2 Rfc2898DeriveBytes.Pbkdf2 p50 (ms)", F(raw.Median));
    results.Extra("crypto (one thread)", "two PBKDF2 at once on two threads, wall p50 (ms)", F(Pbkdf2Pair.Measure(Math.Max(5, settings.CryptoIterations / 2)).Median));
    results.Extra("crypto (one thread)", "DH keygen p50 / agree p50 (ms)", $"{F(keyGen.Median)} / {F(agree.Median)}");
    results.Extra("crypto (one thread)", "of agree: subgroup check (Legendre) p50 (ms)", F(residue.Median));
    return Task.CompletedTask;
});

await Step("handshake", "handshake latency", async () =>
{
    (Samples handshake, var phases) = await HandshakeBench.MeasureLatencyAsync(settings);
    results.HandshakeMsP50 = handshake.Median;
    results.HandshakeMsP95 = handshake.Percentile(95);
    results.Extra("handshake (sequential)", "samples, min / max (ms)", $"{handshake.Count}, {F(handshake.Min)} / {F(handshake.Max)}");
    results.Extra("handshake (sequential)", "p50 - PBKDF2 p50 (ms)", F(handshake.Median - results.Pbkdf2Ms));
    foreach ((string phase, double median) in phases)
    {
        results.Extra("handshake (sequential)", $"phase p50 (ms): {phase}", F(median));
    }
});

await Step("child", "handshake with the server in another process (identities)", async () =>
{
    ChildHandshakeBench.Result child = await ChildHandshakeBench.MeasureAsync(settings);
    results.HandshakeChildMsP50 = child.Handshake.Median;
    results.Pbkdf2PairMs = child.Pair.Median;
    const string section = "handshake, server in another process (Ed25519 identities, trust files)";
    results.Extra(section, "samples; handshake min / p50 / p95 / max (ms)", $"{child.Handshake.Count}; {F(child.Handshake.Min)} / {F(child.Handshake.Median)} / {F(child.Handshake.Percentile(95))} / {F(child.Handshake.Max)}");
    results.Extra(section, "two PBKDF2 at once, same rounds: min / p50 / max (ms)", $"{F(child.Pair.Min)} / {F(child.Pair.Median)} / {F(child.Pair.Max)}");
    results.Extra(section, "puzzles solved by the client", child.Puzzles.ToString(CultureInfo.InvariantCulture));
    results.Extra(section, "server", child.ServerStats);
    foreach ((string phase, double median) in child.Phases)
    {
        results.Extra(section, $"phase p50 (ms): {phase}", F(median));
    }
});

await Step("attack", "honest handshakes under a replay attack", async () =>
{
    AttackBench.Result attack = await AttackBench.MeasureAsync(settings);
    results.AttackUnloadedMsP50 = attack.Unloaded.Median;
    results.AttackHandshakeMsP50 = attack.Attacked.Median;
    results.AttackRatePerS = attack.AttemptsPerSecond;
    const string section = "replay attack (server in its own process, default limits)";
    results.Extra(section, "honest handshakes each; unloaded min / p50 / max (ms)", $"{attack.Unloaded.Count}; {F(attack.Unloaded.Min)} / {F(attack.Unloaded.Median)} / {F(attack.Unloaded.Max)}");
    results.Extra(section, "under attack min / p50 / p95 / max (ms)", $"{F(attack.Attacked.Min)} / {F(attack.Attacked.Median)} / {F(attack.Attacked.Percentile(95))} / {F(attack.Attacked.Max)}");
    results.Extra(section, "attacker (127.0.2.2)", attack.Attack);
    results.Extra(section, "CPU during the attack, cores: attacker thread / bench process / server", $"{F(attack.AttackerCpuShare)} / {F(attack.BenchCpuShare)} / {F(attack.ServerCpuShare)}");
    results.Extra(section, "puzzles solved by the honest client (127.0.0.1)", attack.HonestPuzzles.ToString(CultureInfo.InvariantCulture));
    results.Extra(section, "server", attack.ServerStats);
});

await Step("rate64", "one-way rate 64 B", async () =>
{
    results.MsgsPerS64 = await MessagingBench.SecureRateAsync(settings, 64);
    results.PlainMsgsPerS64 = await MessagingBench.BaselineRateAsync(settings, 64, tls: false);
    results.TlsMsgsPerS64 = await MessagingBench.BaselineRateAsync(settings, 64, tls: true);
    double plainDirect = await MessagingBench.BaselineRateAsync(settings, 64, tls: false, batched: false);
    double tlsDirect = await MessagingBench.BaselineRateAsync(settings, 64, tls: true, batched: false);
    results.Extra("one-way rate", "64 B, one write per message: plain / TLS (msgs/s)", $"{BenchResults.N(plainDirect)} / {BenchResults.N(tlsDirect)}");
});

await Step("rate4k", "one-way rate 4 KiB", async () =>
{
    results.MsgsPerS4k = await MessagingBench.SecureRateAsync(settings, 4096);
    results.PlainMsgsPerS4k = await MessagingBench.BaselineRateAsync(settings, 4096, tls: false);
    results.TlsMsgsPerS4k = await MessagingBench.BaselineRateAsync(settings, 4096, tls: true);
    double tlsDirect = await MessagingBench.BaselineRateAsync(settings, 4096, tls: true, batched: false);
    results.Extra("one-way rate", "4 KiB, one write per message: TLS (msgs/s)", BenchResults.N(tlsDirect));
    results.Extra("one-way rate", "4 KiB SecureChat / plain / TLS (MB/s of text)", $"{F(results.MsgsPerS4k * 4096 / 1e6)} / {F(results.PlainMsgsPerS4k * 4096 / 1e6)} / {F(results.TlsMsgsPerS4k * 4096 / 1e6)}");
});

await Step("breakdown", "cost breakdown (one thread, no sockets)", () =>
{
    TimeSpan each = settings.Quick ? TimeSpan.FromSeconds(0.4) : TimeSpan.FromSeconds(1);
    foreach (int size in new[] { 64, 4096 })
    {
        double crypto = CostBreakdown.RecordCryptoMicros(size, each);
        double session = CostBreakdown.SessionPairMicros(size, each);
        double secure = size == 64 ? results.MsgsPerS64 : results.MsgsPerS4k;
        (double iv, double encrypt, double decrypt, double hmac) = CostBreakdown.PrimitiveMicros(size, each);
        results.Extra("cost per message (us)", $"{size} B: record seal+open / session pair / loopback", $"{F(crypto)} / {F(session)} / {F(1e6 / secure)}");
        (double persistentEncrypt, double persistentDecrypt) = CostBreakdown.PersistentCbcMicros(size, each);
        results.Extra("cost per message (us)", $"{size} B: IV RNG / AES-CBC enc / dec / HMAC (each)", $"{F(iv)} / {F(encrypt)} / {F(decrypt)} / {F(hmac)}");
        results.Extra("cost per message (us)", $"{size} B: experiment, CBC via kept transforms enc+RNG / dec", $"{F(persistentEncrypt)} / {F(persistentDecrypt)}");
    }

    return Task.CompletedTask;
});

await Step("rtt", "round-trip latency", async () =>
{
    RttBench.Result rtt = await RttBench.MeasureAsync(settings);
    results.RttUsP50 = rtt.Secure.Rounds.Median;
    results.RttUsP99 = rtt.Secure.All.Percentile(99);
    results.PlainRttUsP50 = rtt.Plain.Rounds.Median;
    results.PlainRttUsP99 = rtt.Plain.All.Percentile(99);
    results.TlsRttUsP50 = rtt.Tls.Rounds.Median;
    results.TlsRttUsP99 = rtt.Tls.All.Percentile(99);
    results.RttTlsRatio = rtt.RatioToTls.Median;
    results.Extra("round trip (us)", "samples each, in interleaved rounds", $"{rtt.Secure.All.Count} in {rtt.Rounds}");
    results.Extra("round trip (us)", "SecureChat round trips lost (no echo in 5 s, made again)", rtt.Lost.ToString(CultureInfo.InvariantCulture));
    results.Extra("round trip (us)", "SecureChat / TLS p50 per round, min / median / max", $"{F(rtt.RatioToTls.Min)} / {F(rtt.RatioToTls.Median)} / {F(rtt.RatioToTls.Max)}");
    foreach (RttBench.Kind kind in new[] { rtt.Secure, rtt.Tls, rtt.Plain })
    {
        results.Extra("round trip (us)", $"{kind.Name}: round medians min / max; all samples p50 / p90 / max", $"{F(kind.Rounds.Min)} / {F(kind.Rounds.Max)}; {F(kind.All.Median)} / {F(kind.All.Percentile(90))} / {F(kind.All.Max)}");
    }
});

await Step("rate", "handshake rate", async () =>
{
    (double perSecond, int failed) = await HandshakeBench.MeasureRateAsync(settings);
    results.HandshakesPerS = perSecond;
    results.HandshakesPerSCeiling = Environment.ProcessorCount / (results.Pbkdf2Ms / 1000.0);
    double inProcess = results.HandshakesPerSCeiling / 2;
    results.Extra("handshake rate", "handshakes, at once, failed", $"{settings.ConcurrentHandshakes}, {settings.HandshakeConcurrency}, {failed}");
    results.Extra("handshake rate", "ceiling = cores / PBKDF2 (issue's definition)", F(results.HandshakesPerSCeiling));
    results.Extra("handshake rate", "in-process ceiling = cores / (2 x PBKDF2)", $"{F(inProcess)} (measured = {F(100 * perSecond / inProcess)}% of it)");
});

// The MLS groups are a mode of their own (--only mls, about 2 minutes): a --quick run's watchdog leaves no room for them.
await Step("mls", $"MLS groups of {settings.MlsMembers} and {settings.MlsLargeMembers} members (one thread, no sockets)", () =>
{
    MlsBenchResult group = MlsGroupBench.Measure(settings.MlsMembers, settings.MlsRuns, line => Console.Error.WriteLine("  " + line));
    results.Mls(group);
    if (settings.MlsLargeMembers >= 2)
    {
        results.MlsLarge(MlsGroupBench.MeasureJoin(settings.MlsLargeMembers, settings.MlsRuns, line => Console.Error.WriteLine("  " + line)));
    }

    return Task.CompletedTask;
});

await Step("hub", $"hub with {settings.HubSessions} sessions", async () =>
{
    FileLimit.Require(settings.HubSessions + 256); // raised here so both hub processes inherit it
    TimeSpan fillBudget = settings.HubFillBudget(total.Elapsed);
    HubResult hub = await HubBench.RunInFreshProcessAsync(settings, fillBudget);
    results.HubSessions = hub.Sessions;
    results.HubBytesPerSession = (double)hub.WorkingSetBytes / hub.Sessions;
    results.HubFanoutMs = hub.Fanout.Median;
    results.HubFillPerS = hub.Sessions / hub.FillSeconds;
    results.HubCpuUsPerRecipient = hub.CpuPerRecipient.Median;
    results.SealSendUs = hub.SealSend.Median;
    results.HubCpuRatio = hub.CpuRatio.Median;
    results.HubFanoutWrittenMs = hub.FanoutWritten.Median;
    results.HubFanoutCores = hub.FanoutCores.Median;
    results.HubRooms = hub.Rooms;
    results.HubJoinRoomMembers = hub.JoinRoomMembers;
    results.HubJoinMs = hub.JoinCpuMs.Median;
    const string section = "hub (fresh server process)";
    results.Extra(section, "sessions asked / joined / failed; server-side failures", $"{settings.HubSessions} / {hub.Sessions} / {hub.Failed}; {hub.ServerFailures}");
    results.Extra(section, "time allowed for connecting (s)", F(fillBudget.TotalSeconds));
    results.Extra(section, "filling: seconds; puzzles solved by the clients", $"{F(hub.FillSeconds)}; {hub.Puzzles}");
    results.Extra(section, "MLS groups formed (#lobby's, the rooms') after the announcements, both stages (s)", F(hub.GroupSeconds));
    results.Extra(section, "#lobby's commits while it filled (each adds every joiner waiting); sessions added", $"{hub.LobbyCommits}; {hub.Sessions}");
    results.Extra(section, "announcements drained after the last join (s); got / expected", $"{F(hub.DrainMs / 1000)}; {BenchResults.N(hub.PresenceGot)} / {BenchResults.N(hub.PresenceExpected)}");
    results.Extra(section, "managed bytes/session (GC.GetTotalMemory)", BenchResults.N((double)hub.ManagedBytes / hub.Sessions));
    results.Extra(section, "working set bytes/session (RSS)", BenchResults.N((double)hub.WorkingSetBytes / hub.Sessions));
    results.Extra(section, "private bytes/session", BenchResults.N((double)hub.PrivateBytes / hub.Sessions));
    results.Extra(section, "marginal RSS / private bytes per session (last 90%)", $"{BenchResults.N(hub.WorkingSetSlope)} / {BenchResults.N(hub.PrivateSlope)}");
    results.Extra(section, "fan-out runs, min / p50 / max (ms)", $"{hub.Fanout.Count}, {F(hub.Fanout.Min)} / {F(hub.Fanout.Median)} / {F(hub.Fanout.Max)}");
    results.Extra(section, "of which Broadcast (sealing for all), p50 (ms)", F(hub.FanoutSeal.Median));
    results.Extra(section, "the hub had written it to every socket, min / p50 / max (ms)", $"{F(hub.FanoutWritten.Min)} / {F(hub.FanoutWritten.Median)} / {F(hub.FanoutWritten.Max)}");
    results.Extra(section, "hub CPU until its last write, per recipient, min / p50 / max (us)", $"{F(hub.CpuPerRecipient.Min)} / {F(hub.CpuPerRecipient.Median)} / {F(hub.CpuPerRecipient.Max)}");
    results.Extra(section, "seal + send alone, same sockets count, CPU per recipient min / p50 / max (us)", $"{F(hub.SealSend.Min)} / {F(hub.SealSend.Median)} / {F(hub.SealSend.Max)}");
    results.Extra(section, "seal + send alone, wall per recipient p50 (us)", F(hub.SealSendWall.Median));
    results.Extra(section, "hub CPU / seal + send, run by run: min / p50 / max", $"{F(hub.CpuRatio.Min)} / {F(hub.CpuRatio.Median)} / {F(hub.CpuRatio.Max)}");
    results.Extra(section, "hub cores used until its last write (CPU / wall), min / p50 / max", $"{F(hub.FanoutCores.Min)} / {F(hub.FanoutCores.Median)} / {F(hub.FanoutCores.Max)}");
    results.Extra(section, "hub threads' CPU per fan-out (name x threads ms)", hub.FanoutThreads);
    results.Extra(section, "rooms (as listed); members of the room joined", $"{hub.Rooms}; {hub.JoinRoomMembers}");
    results.Extra(section, "join: hub CPU less idle min / p50 / max (ms)", $"{F(hub.JoinCpuMs.Min)} / {F(hub.JoinCpuMs.Median)} / {F(hub.JoinCpuMs.Max)}");
    results.Extra(section, "join: hub CPU with idle p50 (ms); joiner heard of all p50 (ms)", $"{F(hub.JoinRawCpuMs.Median)}; {F(hub.JoinEnteredMs.Median)}");
    results.Extra(section, "connecting the last 90% (two processes), handshakes/s", F(hub.SecondStageSessions / (hub.ConnectMs / 1000)));
});

await Step("group", "MLS room fan-out through the hub against a relay of the same record alone", async () =>
{
    int members = GroupMembers(quick ? 50 : 300);
    GroupFanout group = await GroupFanout.MeasureAsync(members, settings.HubIterations, warmup: quick ? 5 : 20, runs: quick ? 15 : 60);
    const string section = "MLS room through the hub (hub in this process, members in another)";
    results.Extra(section, "members in the group; forming #lobby's and the room's groups: key packages, tasks, commits, Welcomes (s)", $"{group.Members}; {F(group.FormMs / 1000)}");
    results.Extra(section, "GroupMessage in, GroupRelay out: hub CPU per recipient min / p50 / max (us)", $"{F(group.Hub.Min)} / {F(group.Hub.Median)} / {F(group.Hub.Max)}");
    results.Extra(section, $"floor: the same GroupRelay ({group.RelayBytes} B) sealed and sent alone, CPU per recipient min / p50 / max (us)", $"{F(group.Floor.Min)} / {F(group.Floor.Median)} / {F(group.Floor.Max)}");
    results.Extra(section, "hub / floor, run by run: min / p50 / max", $"{F(group.Ratio.Min)} / {F(group.Ratio.Median)} / {F(group.Ratio.Max)}");
    results.Extra(section, "the same less the JIT's tiered-compilation thread: hub CPU per recipient p50 (us); hub / floor min / p50 / max", $"{F(group.HubNoJit.Median)}; {F(group.RatioNoJit.Min)} / {F(group.RatioNoJit.Median)} / {F(group.RatioNoJit.Max)}");
    results.Extra(section, "to the last member's decrypted text, min / p50 / max (ms)", $"{F(group.Wall.Min)} / {F(group.Wall.Median)} / {F(group.Wall.Max)}");
    results.Extra(section, "hub threads' CPU per message (name x threads ms)", group.Threads);
});

string machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {(quick ? "--quick" : "full")} mode, {total.Elapsed.TotalSeconds:F0} s, load average {loadBefore} before / {LoadAverage()} after";
Console.Error.WriteLine($"done in {total.Elapsed.TotalSeconds:F1} s");
// The table ends with the same run's JSON object, so a saved table always has its machine-readable twin.
Console.Out.WriteLine(json ? results.ToJson() : results.FormatTable("SecureChat.Bench: " + machine) + Environment.NewLine + "json: " + results.ToJson());
return 0;

static string F(double value) => BenchResults.F(value, 2);

// The MLS room's size (SECURECHAT_BENCH_GROUP_MEMBERS), else the mode's.
static int GroupMembers(int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable("SECURECHAT_BENCH_GROUP_MEMBERS"), out int n) && n >= 2 ? n : fallback;

// The 1-minute load average, to show how busy the machine was (other work skews every figure).
static string LoadAverage()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Split(' ')[0];
    }
    catch (IOException)
    {
        return "n/a";
    }
}

async Task Step(string key, string name, Func<Task> run)
{
    if ((only is not null && only != key) || (only is null && key == "mls"))
    {
        return;
    }

    Console.Error.WriteLine($"[{total.Elapsed.TotalSeconds,6:F1} s] {name}...");
    try
    {
        await run();
    }
    catch (Exception e)
    {
        // One failed measurement leaves its fields at -1 and the rest of the run goes on.
        Console.Error.WriteLine($"  {name} failed: {e.GetType().Name}: {e.Message}");
    }
}
