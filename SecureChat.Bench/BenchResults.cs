using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SecureChat.Bench;

/// <summary>
/// Everything one run measured. <see cref="WriteJson"/> writes exactly the field names, all numbers;
/// <see cref="FormatTable"/> adds the secondary figures (min/max, managed memory, connect rates) for people.
/// Not thread-safe.
/// </summary>
internal sealed class BenchResults
{
    public double HandshakeMsP50 { get; set; } = double.NaN;
    public double HandshakeMsP95 { get; set; } = double.NaN;
    public double Pbkdf2Ms { get; set; } = double.NaN;
    public double DhMs { get; set; } = double.NaN;
    public double MsgsPerS64 { get; set; } = double.NaN;
    public double PlainMsgsPerS64 { get; set; } = double.NaN;
    public double TlsMsgsPerS64 { get; set; } = double.NaN;
    public double MsgsPerS4k { get; set; } = double.NaN;
    public double PlainMsgsPerS4k { get; set; } = double.NaN;
    public double TlsMsgsPerS4k { get; set; } = double.NaN;
    public double RttUsP50 { get; set; } = double.NaN;
    public double RttUsP99 { get; set; } = double.NaN;
    public double PlainRttUsP50 { get; set; } = double.NaN;
    public double PlainRttUsP99 { get; set; } = double.NaN;
    public double TlsRttUsP50 { get; set; } = double.NaN;
    public double TlsRttUsP99 { get; set; } = double.NaN;
    public double HubSessions { get; set; } = double.NaN;
    public double HubBytesPerSession { get; set; } = double.NaN;
    public double HubFanoutMs { get; set; } = double.NaN;
    public double HandshakesPerS { get; set; } = double.NaN;
    public double HandshakesPerSCeiling { get; set; } = double.NaN;
    public double HandshakeChildMsP50 { get; set; } = double.NaN;
    public double Pbkdf2PairMs { get; set; } = double.NaN;
    public double AttackUnloadedMsP50 { get; set; } = double.NaN;
    public double AttackHandshakeMsP50 { get; set; } = double.NaN;
    public double AttackRatePerS { get; set; } = double.NaN;
    public double HubFillPerS { get; set; } = double.NaN;
    public double HubCpuUsPerRecipient { get; set; } = double.NaN;
    public double SealSendUs { get; set; } = double.NaN;
    public double HubFanoutWrittenMs { get; set; } = double.NaN;
    public double HubFanoutCores { get; set; } = double.NaN;
    public double HubRooms { get; set; } = double.NaN;

    /// <summary>SecureChat's round-trip p50 over TLS's, the median of the interleaved rounds' ratios (target at most 1.1).</summary>
    public double RttTlsRatio { get; set; } = double.NaN;
    public double HubJoinRoomMembers { get; set; } = double.NaN;
    public double HubJoinMs { get; set; } = double.NaN;

    /// <summary>The MLS group's figures (<see cref="MlsGroupBench"/>): medians of the runs, in the unit each name says.</summary>
    public MlsBenchResult? MlsGroup { get; private set; }

    public MlsBenchResult? MlsLargeGroup { get; private set; }

    public void Mls(MlsBenchResult group) => MlsGroup = group;

    public void MlsLarge(MlsBenchResult group) => MlsLargeGroup = group;

    /// <summary>The hub's CPU per delivered record over one seal and one send alone, the median of each run's own (target at most 1.25).</summary>
    public double HubCpuRatio { get; set; } = double.NaN;

    /// <summary>Handshake with the server in another process over two PBKDF2 at once (target at most 1.1).</summary>
    public double HandshakeChildRatio => HandshakeChildMsP50 / Pbkdf2PairMs;

    /// <summary>Honest handshake under the replay attack over the same client's without it (target at most 3).</summary>
    public double AttackRatio => AttackHandshakeMsP50 / AttackUnloadedMsP50;

    /// <summary>Secondary figures for the table only: (section, label, value).</summary>
    public List<(string Section, string Label, string Value)> Extras { get; } = [];

    public void Extra(string section, string label, string value) => Extras.Add((section, label, value));

    public IEnumerable<(string Name, double Value)> Fields()
    {
        yield return ("handshake_ms_p50", HandshakeMsP50);
        yield return ("handshake_ms_p95", HandshakeMsP95);
        yield return ("pbkdf2_ms", Pbkdf2Ms);
        yield return ("dh_ms", DhMs);
        yield return ("msgs_per_s_64", MsgsPerS64);
        yield return ("plain_msgs_per_s_64", PlainMsgsPerS64);
        yield return ("tls_msgs_per_s_64", TlsMsgsPerS64);
        yield return ("msgs_per_s_4k", MsgsPerS4k);
        yield return ("plain_msgs_per_s_4k", PlainMsgsPerS4k);
        yield return ("tls_msgs_per_s_4k", TlsMsgsPerS4k);
        yield return ("rtt_us_p50", RttUsP50);
        yield return ("rtt_us_p99", RttUsP99);
        yield return ("plain_rtt_us_p50", PlainRttUsP50);
        yield return ("plain_rtt_us_p99", PlainRttUsP99);
        yield return ("tls_rtt_us_p50", TlsRttUsP50);
        yield return ("tls_rtt_us_p99", TlsRttUsP99);
        yield return ("hub_sessions", HubSessions);
        yield return ("hub_bytes_per_session", HubBytesPerSession);
        yield return ("hub_fanout_ms", HubFanoutMs);
        yield return ("handshakes_per_s", HandshakesPerS);
        yield return ("handshakes_per_s_ceiling", HandshakesPerSCeiling);
        yield return ("handshake_child_ms_p50", HandshakeChildMsP50);
        yield return ("pbkdf2_pair_ms", Pbkdf2PairMs);
        yield return ("handshake_child_ratio", HandshakeChildRatio);
        yield return ("attack_unloaded_ms_p50", AttackUnloadedMsP50);
        yield return ("attack_handshake_ms_p50", AttackHandshakeMsP50);
        yield return ("attack_ratio", AttackRatio);
        yield return ("attack_rate_per_s", AttackRatePerS);
        yield return ("hub_fill_per_s", HubFillPerS);
        yield return ("hub_cpu_us_per_recipient", HubCpuUsPerRecipient);
        yield return ("seal_send_us", SealSendUs);
        yield return ("hub_cpu_ratio", HubCpuRatio);
        yield return ("hub_fanout_written_ms", HubFanoutWrittenMs);
        yield return ("hub_fanout_cores", HubFanoutCores);
        yield return ("rtt_tls_ratio", RttTlsRatio);
        yield return ("hub_rooms", HubRooms);
        yield return ("hub_rooms_bytes_per_session", HubBytesPerSession);
        yield return ("hub_join_room_members", HubJoinRoomMembers);
        yield return ("hub_join_1000_ms", HubJoinMs);
        MlsBenchResult? mls = MlsGroup;
        yield return ("mls_members", mls?.Members ?? double.NaN);
        yield return ("mls_send_us", Median(mls?.SendUs));
        yield return ("mls_receive_us", Median(mls?.ReceiveUs));
        yield return ("mls_add_commit_ms", Median(mls?.AddCommitMs));
        yield return ("mls_add_process_ms", Median(mls?.AddProcessMs));
        yield return ("mls_join_ms", Median(mls?.JoinMs));
        yield return ("mls_update_commit_ms", Median(mls?.UpdateCommitMs));
        yield return ("mls_update_process_ms", Median(mls?.UpdateProcessMs));
        yield return ("mls_remove_commit_ms", Median(mls?.RemoveCommitMs));
        yield return ("mls_remove_process_ms", Median(mls?.RemoveProcessMs));
        yield return ("mls_sign_us", Median(mls?.SignUs));
        yield return ("mls_hpke_seal_us", Median(mls?.HpkeSealUs));
        yield return ("mls_private_message_bytes", mls?.PrivateMessageBytes ?? double.NaN);
        yield return ("mls_key_package_bytes", mls?.KeyPackageBytes ?? double.NaN);
        yield return ("mls_add_commit_bytes", mls?.AddCommitBytes ?? double.NaN);
        yield return ("mls_welcome_bytes", mls?.WelcomeBytes ?? double.NaN);
        yield return ("mls_update_commit_bytes", mls?.UpdateCommitBytes ?? double.NaN);
        yield return ("mls_remove_commit_bytes", mls?.RemoveCommitBytes ?? double.NaN);
        yield return ("mls_update_seals", mls?.UpdateSeals ?? double.NaN);
        yield return ("mls_update_floor_ratio", mls is null ? double.NaN : Median(mls.UpdateCommitMs) * 1000 / (mls.UpdateSeals * Median(mls.HpkeSealUs)));
        yield return ("mls_large_members", MlsLargeGroup?.Members ?? double.NaN);
        yield return ("mls_large_join_ms", Median(MlsLargeGroup?.JoinMs));
        yield return ("mls_large_welcome_bytes", MlsLargeGroup?.WelcomeBytes ?? double.NaN);
    }

    private static double Median(Samples? samples) => samples is { Count: > 0 } ? samples.Median : double.NaN;

    /// <summary>One JSON object; a measurement that failed is written as -1 so every field stays a number.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach ((string name, double value) in Fields())
            {
                writer.WriteNumber(name, double.IsFinite(value) ? Math.Round(value, 3) : -1);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public string FormatTable(string header)
    {
        var text = new StringBuilder();
        text.AppendLine(header);
        text.AppendLine();
        Row(text, "Measurement", "SecureChat", "plain TCP", "TLS 1.3", "target");
        Row(text, "-----------", "----------", "---------", "-------", "------");
        Row(text, "handshake p50 / p95 (ms)", $"{F(HandshakeMsP50, 1)} / {F(HandshakeMsP95, 1)}", "", "", $"p50 <= 1.25 x PBKDF2 = {F(1.25 * Pbkdf2Ms, 1)} {Verdict(HandshakeMsP50 <= 1.25 * Pbkdf2Ms)}");
        Row(text, "handshake, server in a child (ms)", F(HandshakeChildMsP50, 1), "", "", $"p50 <= 1.1 x two PBKDF2 at once = {F(1.1 * Pbkdf2PairMs, 1)} ({F(HandshakeChildRatio, 2)} x) {Verdict(HandshakeChildRatio <= 1.1)}");
        Row(text, "PBKDF2-100k, 32 B (ms)", F(Pbkdf2Ms, 2), "", "", "");
        Row(text, "two PBKDF2 at once (ms)", F(Pbkdf2PairMs, 2), "", "", "");
        Row(text, "DH ffdhe2048 keygen+agree (ms)", F(DhMs, 2), "", "", "");
        Row(text, "one-way 64 B (msgs/s)", N(MsgsPerS64), N(PlainMsgsPerS64), N(TlsMsgsPerS64), $">= 250,000 and >= 50% plain ({Pct(MsgsPerS64, PlainMsgsPerS64)}) {Verdict(MsgsPerS64 >= 250_000 && MsgsPerS64 >= 0.5 * PlainMsgsPerS64)}");
        Row(text, "one-way 4 KiB (msgs/s)", N(MsgsPerS4k), N(PlainMsgsPerS4k), N(TlsMsgsPerS4k), $"({Pct(MsgsPerS4k, PlainMsgsPerS4k)} of plain)");
        Row(text, "RTT 64 B p50 (us)", F(RttUsP50, 1), F(PlainRttUsP50, 1), F(TlsRttUsP50, 1), $"<= 1.1 x TLS ({F(RttTlsRatio, 2)} x, median of rounds) {Verdict(RttTlsRatio <= 1.1)}");
        Row(text, "RTT 64 B p99 (us)", F(RttUsP99, 1), F(PlainRttUsP99, 1), F(TlsRttUsP99, 1), $"<= 2 x plain = {F(2 * PlainRttUsP99, 1)} {Verdict(RttUsP99 <= 2 * PlainRttUsP99)}");
        Row(text, "handshake under replay attack (ms)", F(AttackHandshakeMsP50, 1), "", "", $"p50 <= 3 x unloaded {F(AttackUnloadedMsP50, 1)} = {F(3 * AttackUnloadedMsP50, 1)} ({F(AttackRatio, 2)} x) {Verdict(AttackRatio <= 3)}");
        Row(text, "replay attempts/s", N(AttackRatePerS), "", "", "");
        Row(text, "hub sessions", N(HubSessions), "", "", $"10,000 {Verdict(HubSessions >= 10_000)}");
        Row(text, "hub process bytes/session", N(HubBytesPerSession), "", "", $"< 40 KB (40,000 B) {Verdict(HubBytesPerSession < 40_000)}");
        Row(text, "hub fan-out to all (ms)", F(HubFanoutMs, 2), "", "", $"< 100 ms {Verdict(HubFanoutMs < 100)}");
        Row(text, "hub fan-out: last write (ms)", F(HubFanoutWrittenMs, 2), "", "", $"cores used {F(HubFanoutCores, 2)}");
        Row(text, "hub CPU per recipient (us)", F(HubCpuUsPerRecipient, 2), "", "", $"<= 1.25 x seal+send alone {F(SealSendUs, 2)} = {F(1.25 * SealSendUs, 2)} ({F(HubCpuRatio, 2)} x, median of runs) {Verdict(HubCpuRatio <= 1.25)}");
        Row(text, "hub rooms (each member in 2 or 3)", N(HubRooms), "", "", "");
        Row(text, $"hub join, room of {N(HubJoinRoomMembers)}: CPU (ms)", F(HubJoinMs, 2), "", "", $"< 50 ms {Verdict(HubJoinMs < 50)}");
        MlsRows(text);
        Row(text, "hub filled at (handshakes/s)", F(HubFillPerS, 1), "", "", "");
        Row(text, "handshakes/s (concurrent)", F(HandshakesPerS, 1), "", "", $">= 80% of ceiling {F(HandshakesPerSCeiling, 1)} ({Pct(HandshakesPerS, HandshakesPerSCeiling)}) {Verdict(HandshakesPerS >= 0.8 * HandshakesPerSCeiling)}");
        if (Extras.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Details");
            foreach (IGrouping<string, (string Section, string Label, string Value)> section in Extras.GroupBy(e => e.Section))
            {
                text.AppendLine($"  {section.Key}");
                foreach ((_, string label, string value) in section)
                {
                    text.AppendLine($"    {label,-44} {value}");
                }
            }
        }

        return text.ToString();
    }

    private void MlsRows(StringBuilder text)
    {
        if (MlsGroup is not { } mls)
        {
            return;
        }

        string members = N(mls.Members);
        Row(text, $"MLS send, {members} members (us)", F(Median(mls.SendUs), 1), "", "", $"< 1,000 us {Verdict(Median(mls.SendUs) < 1000)} (one signature {F(Median(mls.SignUs), 1)} us)");
        Row(text, "MLS add: commit + Welcome (ms)", F(Median(mls.AddCommitMs), 2), "", "", $"< 50 ms {Verdict(Median(mls.AddCommitMs) < 50)} (one HPKE seal {F(Median(mls.HpkeSealUs), 1)} us)");
        Row(text, "MLS add: processed by a member (ms)", F(Median(mls.AddProcessMs), 2), "", "", $"< 20 ms {Verdict(Median(mls.AddProcessMs) < 20)}");
        Row(text, "MLS add: join from the Welcome (ms)", F(Median(mls.JoinMs), 2), "", "", $"< 200 ms {Verdict(Median(mls.JoinMs) < 200)}");
        Row(text, "MLS update: commit (ms)", F(Median(mls.UpdateCommitMs), 2), "", "", $"< 20 ms {Verdict(Median(mls.UpdateCommitMs) < 20)}");
        Row(text, "MLS update: processed (ms)", F(Median(mls.UpdateProcessMs), 2), "", "", "");
        Row(text, "MLS update: HPKE seals in it", N(mls.UpdateSeals), "", "", $"commit / (seals x one seal) = {F(Median(mls.UpdateCommitMs) * 1000 / (mls.UpdateSeals * Median(mls.HpkeSealUs)), 2)}");
        Row(text, "MLS remove: commit / processed (ms)", $"{F(Median(mls.RemoveCommitMs), 2)} / {F(Median(mls.RemoveProcessMs), 2)}", "", "", "");
        if (MlsLargeGroup is { } large)
        {
            Row(text, $"MLS join, {N(large.Members)} members (ms)", F(Median(large.JoinMs), 1), "", "", $"OpenMLS: 1,300 ms {Verdict(Median(large.JoinMs) < 1300)}");
        }

        Extra("MLS (one thread, CPU time, median of runs)", "runs; group built: commit of all adds / first join (ms)", $"{mls.SendUs.Count}; {F(mls.BuildMs, 0)} / {F(mls.BuildJoinMs, 1)}");
        Extra("MLS (one thread, CPU time, median of runs)", "receive a PrivateMessage (us)", F(Median(mls.ReceiveUs), 1));
        Extra("MLS (one thread, CPU time, median of runs)", "bytes: PrivateMessage / KeyPackage / add commit / Welcome", $"{N(mls.PrivateMessageBytes)} / {N(mls.KeyPackageBytes)} / {N(mls.AddCommitBytes)} / {N(mls.WelcomeBytes)}");
        Extra("MLS (one thread, CPU time, median of runs)", "bytes: update commit / remove commit", $"{N(mls.UpdateCommitBytes)} / {N(mls.RemoveCommitBytes)}");
        foreach ((string name, Samples samples) in new[] { ("add commit", mls.AddCommitMs), ("add processed", mls.AddProcessMs), ("join", mls.JoinMs), ("update commit", mls.UpdateCommitMs), ("update processed", mls.UpdateProcessMs), ("remove commit", mls.RemoveCommitMs), ("remove processed", mls.RemoveProcessMs) })
        {
            Extra("MLS (one thread, CPU time, median of runs)", $"{name} min / p50 / max (ms)", $"{F(samples.Min, 2)} / {F(samples.Median, 2)} / {F(samples.Max, 2)}");
        }

        if (MlsLargeGroup is { } big)
        {
            Extra("MLS (one thread, CPU time, median of runs)", $"{N(big.Members)} members: built (ms); Welcome bytes; join min / p50 / max (ms)", $"{F(big.BuildMs, 0)}; {N(big.WelcomeBytes)}; {F(big.JoinMs.Min, 1)} / {F(big.JoinMs.Median, 1)} / {F(big.JoinMs.Max, 1)}");
        }
    }

    public static string F(double value, int decimals) =>
        double.IsFinite(value) ? value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "n/a";

    public static string N(double value) =>
        double.IsFinite(value) ? value.ToString("N0", CultureInfo.InvariantCulture) : "n/a";

    private static string Pct(double part, double whole) =>
        double.IsFinite(part) && double.IsFinite(whole) && whole > 0 ? (100 * part / whole).ToString("F0", CultureInfo.InvariantCulture) + "%" : "n/a";

    private static string Verdict(bool met) => met ? "MET" : "MISSED";

    private static void Row(StringBuilder text, string name, string secure, string plain, string tls, string target) =>
        text.AppendLine($"{name,-32} {secure,14} {plain,12} {tls,12}   {target}");
}
