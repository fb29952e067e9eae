using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;

namespace SecureChat.Tui.App;

/// <summary>
/// A client's connection job: makes the connection (before the identity is loaded, when the view opens first), runs
/// the handshake on it, and turns a failure into the run's one plain line, or a refused identity into the view's warning.
/// </summary>
internal sealed partial class ChatLifetime
{
    /// <summary>The client is done: when a reconnect found the server's identity changed, the view warns and the run ends.</summary>
    private void RefusedOnReconnect(ChatModel model, CancellationToken cancellationToken)
    {
        if (!cancellationToken.IsCancellationRequested && _trust?.Refusal is { } refusal && model.WasSecure)
        {
            model.IdentityRefused(refusal);
        }
    }

    /// <summary>
    /// Connects in the background; on failure remembers why and ends the run. A server whose identity changed is
    /// refused before anything is sent: the view (the full screen, which opens for it) warns, and the run ends
    /// when the user dismisses the warning.
    /// </summary>
    private async Task HandshakeAsync(ChatModel model, IChatView view, Func<Task> connect)
    {
        try
        {
            await connect().ConfigureAwait(false);
        }
        catch (ChatConnectionException) when (_trust?.Refusal is { } refusal)
        {
            model.IdentityRefused(refusal);
        }
        catch (ChatConnectionException e)
        {
            _failure = Plain(e);
            view.Quit();
        }
        catch (OperationCanceledException)
        {
            // The user quit while connecting.
        }
    }

    /// <summary>Makes a client's connection; null, the run ended with the reason, when it cannot be made.</summary>
    private async Task<OpenedConnection?> OpenAsync(IChatView view, CancellationToken cancellationToken)
    {
        try
        {
            return await OpenedConnection.ConnectAsync(_settings.Host, _settings.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (ChatConnectionException e)
        {
            _failure = Plain(e);
            view.Quit();
            return null;
        }
        catch (OperationCanceledException)
        {
            return null; // the user quit while connecting
        }
    }

    /// <summary>A client that opened its view first: once connected and begun (identity loaded), runs the handshake on that connection.</summary>
    private async Task HandshakeWhenBegunAsync(Task<OpenedConnection?> opening, IChatView view, CancellationToken cancellationToken)
    {
        if (await opening.ConfigureAwait(false) is not { } connection)
        {
            return;
        }

        using (connection) // closes a connection no client took
        {
            if (await _begun.Task.ConfigureAwait(false) is { } model && _client is { } client)
            {
                await HandshakeAsync(model, view, () => client.ConnectAsync(connection, cancellationToken)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Why connecting failed, in plain words. A peer that answers with something that is not SecureChat (an HTTP or
    /// SSH server: its first bytes read as an absurd length or a malformed message) is named as such.
    /// </summary>
    private string Plain(ChatConnectionException e) => e.Failure.Reason switch
    {
        FailureReason.FrameTooLarge or FailureReason.ProtocolViolation =>
            $"could not connect to {_settings.Address}: the program there does not speak SecureChat (is it the right port?)",
        FailureReason.UnsupportedVersion => $"could not connect to {_settings.Address}: {e.Message}",
        _ => e.Message,
    };
}
