import Foundation
import Synchronization

@testable import AWS

/// An `HTTPTransport` that answers from a list (the last answer repeats) and keeps the requests
/// it saw: for error mapping and parsing of answers moto does not give.
final class CannedTransport: HTTPTransport {
    enum Answer: Sendable {
        case response(Int, [String: String], String)
        case failure(URLError.Code)
    }

    private let answers: [Answer]
    private let seen = Mutex<[HTTPRequest]>([])

    init(_ answers: [Answer]) { self.answers = answers }

    var requests: [HTTPRequest] { seen.withLock { $0 } }

    func send(_ request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, any Error>) -> Void) {
        let index = seen.withLock { list in
            list.append(request)
            return list.count - 1
        }
        let answer = answers[min(index, answers.count - 1)]
        // Answer from another thread, as URLSession does.
        DispatchQueue.global().async {
            switch answer {
            case .response(let status, let headers, let body):
                completion(.success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8))))
            case .failure(let code):
                completion(.failure(URLError(code)))
            }
        }
    }
}

let testCredentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")

func fastRetry(_ attempts: Int) -> RetryPolicy {
    RetryPolicy(maxAttempts: attempts, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))
}
