using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;

namespace SecureChat.Engine.Transport;

/// <summary>
/// The presence notices a hub holds for one peer while that peer's writer is busy, coalesced so a peer that reads
/// slowly is told the net change, not every step (a nick flood by someone else costs it one notice, not thousands).
/// Notices are sealed, in order, when the writer next takes output, and before any other application record, so
/// the peer never sees a chat line ahead of the notice that names its sender. Only notices about the same person
/// (the subject: the hub's member id) and the same room (empty for a notice about the hub: left, renamed, you,
/// refused) merge:
/// <list type="bullet">
/// <item>left after a held renamed (a to b) with no later notice about that subject: becomes left as a, in place
/// (the name the peer knows);</item>
/// <item>renamed (b to c) right after a held renamed a to b that is the newest held notice: becomes renamed a to c
/// (nothing when c is a); only the newest notice is merged, since an older one is followed by notices of others that
/// may depend on the names in between;</item>
/// </list>
/// Room notices (joined, member, parted) are never merged: each tells the peer who is in which room, and merging one
/// with a notice about the hub could leave a name the peer cannot place. Answers to the peer's own renames (you) are
/// never merged: the peer matches each answer to the Nick it sent, in order (PROTOCOL.md 4.2), so every one is sent.
/// <see cref="HeldBytes"/> is the size the held notices will take as sealed frames, counted in the peer's output
/// budget. Not thread-safe: used under the link's lock.
/// </summary>
internal sealed class PresenceBacklog
{
    private readonly LinkedList<Notice> _held = new();
    private readonly Dictionary<(int Subject, string Room), LinkedListNode<Notice>> _newestBySubject = [];

    /// <summary>
    /// One held notice (PROTOCOL.md, Presence: <paramref name="Room"/> empty when not about a room, <paramref name="Text"/>
    /// the new name of a rename or the reason of a part) and the previous held notice about the same subject and room.
    /// </summary>
    public sealed record Notice(int Subject, PresenceKind Kind, string Room, byte[] Digest, string Name, byte Flags, string Text)
    {
        internal LinkedListNode<Notice>? Earlier { get; set; }

        internal (int, string) Key => (Subject, Room);
    }

    public int Count => _held.Count;

    /// <summary>Bytes the held notices take once sealed (header, IV, padded ciphertext, tag).</summary>
    public int HeldBytes { get; private set; }

    /// <summary>The sealed size of one Presence frame.</summary>
    public static int FrameSize(Notice notice) =>
        WireFormat.FrameHeaderSize + RecordProtector.SealedSize(5 + WireFormat.IdentityDigestSize + RecordPayload.StrictUtf8.GetByteCount(notice.Room)
            + RecordPayload.StrictUtf8.GetByteCount(notice.Name) + RecordPayload.StrictUtf8.GetByteCount(notice.Text));

    /// <summary>Holds (or coalesces) one notice about the subject of <paramref name="notice"/>.</summary>
    public void Add(Notice notice)
    {
        if (notice.Room.Length == 0 && _newestBySubject.TryGetValue(notice.Key, out LinkedListNode<Notice>? newest) && newest.Value.Kind == PresenceKind.Renamed)
        {
            Notice held = newest.Value;
            if (notice.Kind == PresenceKind.Left && !HasLaterAbout(newest))
            {
                Replace(newest, held with { Kind = PresenceKind.Left, Text = string.Empty });
                return;
            }

            if (notice.Kind == PresenceKind.Renamed && newest == _held.Last)
            {
                if (held.Name == notice.Text)
                {
                    RemoveNode(newest);
                }
                else
                {
                    Replace(newest, held with { Text = notice.Text });
                }

                return;
            }
        }

        Append(notice);
    }

    /// <summary>Hands every held notice, oldest first, to <paramref name="send"/> and forgets them.</summary>
    public void Drain(Action<Notice> send)
    {
        foreach (Notice notice in _held)
        {
            send(notice);
        }

        Clear();
    }

    /// <summary>With nothing held, gives back the index a storm of notices grew (an idle link keeps a small one).</summary>
    public void TrimExcess()
    {
        if (_held.Count == 0)
        {
            _newestBySubject.TrimExcess();
        }
    }

    public void Clear()
    {
        _held.Clear();
        _newestBySubject.Clear();
        HeldBytes = 0;
    }

    /// <summary>A notice about the same subject (in a room) follows <paramref name="node"/>: merging past it would reorder them.</summary>
    private static bool HasLaterAbout(LinkedListNode<Notice> node)
    {
        for (LinkedListNode<Notice>? later = node.Next; later is not null; later = later.Next)
        {
            if (later.Value.Subject == node.Value.Subject)
            {
                return true;
            }
        }

        return false;
    }

    private void Append(Notice notice)
    {
        if (_newestBySubject.TryGetValue(notice.Key, out LinkedListNode<Notice>? earlier))
        {
            notice.Earlier = earlier;
        }

        _newestBySubject[notice.Key] = _held.AddLast(notice);
        HeldBytes += FrameSize(notice);
    }

    private void Replace(LinkedListNode<Notice> node, Notice with)
    {
        with.Earlier = node.Value.Earlier;
        HeldBytes += FrameSize(with) - FrameSize(node.Value);
        node.Value = with;
    }

    /// <summary>Removes the newest notice about a subject (the one in the index).</summary>
    private void RemoveNode(LinkedListNode<Notice> newest)
    {
        Notice notice = newest.Value;
        HeldBytes -= FrameSize(notice);
        _held.Remove(newest);
        if (notice.Earlier is { } earlier)
        {
            _newestBySubject[notice.Key] = earlier;
        }
        else
        {
            _newestBySubject.Remove(notice.Key);
        }
    }
}
