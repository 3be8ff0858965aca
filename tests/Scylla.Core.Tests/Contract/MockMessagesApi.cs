using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Scylla.Core.Tests.Contract;

/// <summary>One request the CLI sent to the mock.</summary>
public sealed record MockRequest(string Method, string Path, JsonObject? Body)
{
    public DateTimeOffset ReceivedAt { get; } = DateTimeOffset.UtcNow;

    public bool Stream => Body?["stream"]?.GetValue<bool>() ?? false;

    /// <summary>The tools offered to the model: none for a judge that only judges
    /// (docs/claude-cli-contract.md).</summary>
    public int ToolCount => Body?["tools"] is JsonArray tools ? tools.Count : 0;

    /// <summary>The system prompt's text blocks, joined.</summary>
    public string System => Body?["system"] switch
    {
        JsonArray blocks => string.Join("\n", blocks.Select(b => b?["text"]?.ToString())),
        JsonValue text => text.ToString(),
        _ => string.Empty,
    };

    /// <summary>True once the conversation holds a tool result: the model's tool call was carried out.</summary>
    public bool HasToolResult =>
        Body?["messages"]?.ToJsonString().Contains("\"tool_result\"", StringComparison.Ordinal) ?? false;
}

/// <summary>What the mock answers to one request.</summary>
public abstract record MockReply
{
    /// <summary>A text answer, streamed (SSE) or whole, as the request asks.</summary>
    public sealed record Text(string Content, int InputTokens = 120, int OutputTokens = 30) : MockReply;

    /// <summary>A tool call; the CLI runs the tool and asks again with its result.</summary>
    public sealed record ToolUse(string Tool, JsonObject Input) : MockReply;

    /// <summary>An error answer: the API's error body (<c>{"type":"error","error":{...}}</c>) and headers.</summary>
    public sealed record Error(
        int Status, string Type, string Message, IReadOnlyDictionary<string, string>? Headers = null) : MockReply;

    /// <summary>The connection is accepted, the request read, and nothing ever answered.</summary>
    public sealed record Hang : MockReply;

    /// <summary>HTTP 200 whose body is an event stream that is not JSON.</summary>
    public sealed record Malformed : MockReply;

    /// <summary>HTTP 200 whose stream stops mid-message: the connection is reset after the first events.</summary>
    public sealed record Cut : MockReply;
}

/// <summary>
/// A loopback stand-in for the Anthropic Messages API (<c>POST /v1/messages</c>), owned by the project so the real
/// Claude Code CLI can be run against every answer the contract covers (docs/claude-cli-contract.md). It speaks just
/// enough HTTP/1.1 over a <see cref="TcpListener"/> to also hang, send garbage and reset a connection mid-stream.
/// </summary>
public sealed class MockMessagesApi : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<MockRequest, MockReply> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _clients = [];

    public MockMessagesApi(Func<MockRequest, MockReply> respond)
    {
        _respond = respond;
        _listener.Start();
        _ = Task.Run(AcceptLoop);
    }

    public ConcurrentQueue<MockRequest> Requests { get; } = new();

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The messages requests the model saw (the CLI sends no other kind with non-essential traffic
    /// off).</summary>
    public IReadOnlyList<MockRequest> MessageRequests => Requests.Where(IsMessages).ToList();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _clients.Add(client);
            _ = Task.Run(() => Serve(client));
        }
    }

    /// <summary>Answers the requests of one keep-alive connection until the client closes it.</summary>
    private async Task Serve(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            while (await ReadRequest(stream) is { } request)
            {
                Requests.Enqueue(request);
                var reply = request.Method == "POST" && IsMessages(request)
                    ? _respond(request)
                    : new MockReply.Error(404, "not_found_error", $"{request.Path} is not served by the mock");
                if (!await Answer(stream, client, request, reply))
                {
                    return;
                }
            }
        }
        catch (Exception e)
            when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the CLI went away (a timeout of its own, a killed process): nothing to answer
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Writes the reply; false when the connection must end (a cut stream, a hang).</summary>
    private async Task<bool> Answer(NetworkStream stream, TcpClient client, MockRequest request, MockReply reply)
    {
        var model = request.Body?["model"]?.ToString() ?? "claude-sonnet-4-5";
        switch (reply)
        {
            case MockReply.Hang:
                await Task.Delay(Timeout.Infinite, _stop.Token);
                return false;
            case MockReply.Malformed:
                await Write(stream, 200, "text/event-stream", "event: message_start\ndata: {not json at all\n\n");
                return true;
            case MockReply.Cut:
                var hello = new JsonObject { ["type"] = "text", ["text"] = "Hello" };
                var events = Sse(MessageEvents(model, [hello], 10, 1)[..3]);
                var promised = Encoding.UTF8.GetByteCount(events) + 500;
                await Write(stream, 200, "text/event-stream", events, declaredLength: promised);
                client.Client.LingerState = new LingerOption(true, 0); // close with RST, as a dropped connection does
                client.Client.Close();
                return false;
            case MockReply.Error error:
                var body = new JsonObject
                {
                    ["type"] = "error",
                    ["error"] = new JsonObject { ["type"] = error.Type, ["message"] = error.Message },
                }.ToJsonString();
                await Write(stream, error.Status, "application/json", body, error.Headers);
                return true;
            default:
                var (blocks, input, output, stop) = reply switch
                {
                    MockReply.Text text => (new JsonObject { ["type"] = "text", ["text"] = text.Content },
                        text.InputTokens, text.OutputTokens, "end_turn"),
                    MockReply.ToolUse tool => (new JsonObject
                    {
                        ["type"] = "tool_use", ["id"] = "toolu_" + Guid.NewGuid().ToString("N")[..12],
                        ["name"] = tool.Tool, ["input"] = tool.Input,
                    }, 150, 40, "tool_use"),
                    _ => throw new InvalidOperationException($"Unknown reply {reply}"),
                };
                if (request.Stream)
                {
                    var message = Sse(MessageEvents(model, [blocks], input, output, stop));
                    await Write(stream, 200, "text/event-stream", message);
                }
                else
                {
                    await Write(stream, 200, "application/json", new JsonObject
                    {
                        ["id"] = "msg_mock", ["type"] = "message", ["role"] = "assistant", ["model"] = model,
                        ["content"] = new JsonArray(blocks), ["stop_reason"] = stop, ["stop_sequence"] = null,
                        ["usage"] = new JsonObject { ["input_tokens"] = input, ["output_tokens"] = output },
                    }.ToJsonString());
                }

                return true;
        }
    }

    /// <summary>The server-sent events of one message: start, each block (start, one delta, stop), delta,
    /// stop.</summary>
    private static List<(string Name, JsonObject Data)> MessageEvents(
        string model, JsonObject[] blocks, int input, int output, string stop = "end_turn")
    {
        var events = new List<(string, JsonObject)>
        {
            ("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = "msg_mock", ["type"] = "message", ["role"] = "assistant", ["model"] = model,
                    ["content"] = new JsonArray(),
                    ["stop_reason"] = null, ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = input, ["output_tokens"] = 1 },
                },
            }),
        };
        for (var index = 0; index < blocks.Length; index++)
        {
            var block = blocks[index];
            var isText = block["type"]!.ToString() == "text";
            var empty = isText
                ? new JsonObject { ["type"] = "text", ["text"] = string.Empty }
                : new JsonObject
                {
                    ["type"] = "tool_use", ["id"] = block["id"]!.ToString(), ["name"] = block["name"]!.ToString(),
                    ["input"] = new JsonObject(),
                };
            var delta = isText
                ? new JsonObject { ["type"] = "text_delta", ["text"] = block["text"]!.ToString() }
                : new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = block["input"]!.ToJsonString() };
            events.Add(("content_block_start",
                new JsonObject { ["type"] = "content_block_start", ["index"] = index, ["content_block"] = empty }));
            events.Add(("content_block_delta",
                new JsonObject { ["type"] = "content_block_delta", ["index"] = index, ["delta"] = delta }));
            events.Add(("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = index }));
        }

        events.Add(("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stop, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = output },
        }));
        events.Add(("message_stop", new JsonObject { ["type"] = "message_stop" }));
        return events;
    }

    private static string Sse(IEnumerable<(string Name, JsonObject Data)> events) =>
        string.Concat(events.Select(e => $"event: {e.Name}\ndata: {e.Data.ToJsonString()}\n\n"));

    private static async Task Write(NetworkStream stream, int status, string contentType, string body,
        IReadOnlyDictionary<string, string>? headers = null, int? declaredLength = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder($"HTTP/1.1 {status} {ReasonPhrase(status)}\r\n")
            .Append($"Content-Type: {contentType}\r\nContent-Length: {declaredLength ?? bytes.Length}\r\n")
            .Append("request-id: req_mock\r\nConnection: keep-alive\r\n");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            head.Append($"{name}: {value}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    private static string ReasonPhrase(int status) => status switch
    {
        200 => "OK", 400 => "Bad Request", 401 => "Unauthorized", 404 => "Not Found", 429 => "Too Many Requests",
        500 => "Internal Server Error", 529 => "Overloaded", _ => "Error",
    };

    /// <summary>One request: the request line, the headers, and a body by Content-Length or chunked; null at end of
    /// stream.</summary>
    private static async Task<MockRequest?> ReadRequest(NetworkStream stream)
    {
        var head = await ReadLine(stream);
        if (string.IsNullOrEmpty(head))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await ReadLine(stream); !string.IsNullOrEmpty(line); line = await ReadLine(stream))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        byte[] body;
        if (headers.TryGetValue("Transfer-Encoding", out var encoding)
            && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var collected = new MemoryStream();
            for (var size = await ChunkSize(stream); size > 0; size = await ChunkSize(stream))
            {
                collected.Write(await ReadExactly(stream, size));
                await ReadLine(stream);
            }

            await ReadLine(stream);
            body = collected.ToArray();
        }
        else
        {
            var length = headers.TryGetValue("Content-Length", out var value)
                ? int.Parse(value, CultureInfo.InvariantCulture) : 0;
            body = await ReadExactly(stream, length);
        }

        var parts = head.Split(' ');
        JsonObject? json = null;
        try
        {
            json = body.Length > 0 ? JsonNode.Parse(body) as JsonObject : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // not JSON: recorded without a body
        }

        return new MockRequest(parts[0], parts[1], json);
    }

    private static async Task<int> ChunkSize(NetworkStream stream) =>
        Convert.ToInt32((await ReadLine(stream))!.Split(';')[0], 16);

    private static bool IsMessages(MockRequest request) =>
        request.Path.StartsWith("/v1/messages", StringComparison.Ordinal);

    private static async Task<byte[]> ReadExactly(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        return buffer;
    }

    private static async Task<string?> ReadLine(NetworkStream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
            }

            line.Add(one[0]);
        }

        return line.Count > 0 ? Encoding.ASCII.GetString(line.ToArray()) : null;
    }
}
