import Foundation
import SketchfabAPI

extension Crawl {
    /// `--likes-source user`: reads likes the documented way, one user at a time (`/v3/models?liked_by=`), for the
    /// crawled models' authors and the users search's first `maximumUsers`, keeping likes of crawled models. Each
    /// user's complete likes and each users-search page are journalled, so a rerun continues. At the end every
    /// crawled model gets the same `likes.jsonl` line the per-model source writes; a model nobody was found to
    /// like is looked up, so one deleted since it was listed is dropped as the other source drops it.
    /// Returns how many users' likes were read.
    func readLikesByUser(_ models: [ListedModel], likesJournal: JournalFile, failuresJournal: JournalFile,
                         progress: @escaping @Sendable (String) -> Void) async throws -> Int {
        let alreadyDone = Set(try likesJournal.readLines(LikesLine.self).map(\.uid))
        guard models.contains(where: { !alreadyDone.contains($0.uid) }) else { return 0 }
        let usersJournal = JournalFile(url: stateDirectory.appendingPathComponent("users.jsonl"))
        let userLikesJournal = JournalFile(url: stateDirectory.appendingPathComponent("user-likes.jsonl"))

        // Who to ask: the authors, then the users search, each user once.
        var userPages = try usersJournal.readLines(UserPageLine.self)
        var searched = userPages.flatMap(\.users)
        var nextPage: String? = userPages.last.map { $0.next } ?? client.userListURL()
        while let url = nextPage, searched.count < options.maximumUsers {
            let page = try await client.userList(url: url)
            let line = UserPageLine(page: url, users: Array(page.results.prefix(options.maximumUsers - searched.count)), next: page.next)
            try usersJournal.append(line)
            userPages.append(line)
            searched += line.users
            nextPage = line.next
            progress("users: \(searched.count) from the users search")
        }
        var seen = Set<String>()
        let users = (models.compactMap(\.author) + searched).filter { seen.insert($0.uid).inserted }

        // Each user's likes among the crawled models, a bounded number of users at a time.
        let crawled = Set(models.map(\.uid))
        var finished = Dictionary(try userLikesJournal.readLines(UserLikesLine.self).map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
        let pending = users.filter { finished[$0.uid] == nil }
        progress("likes by user: \(users.count) users (\(models.compactMap(\.author).count) authors), \(pending.count) to read")
        let failures = FailureList()
        try await withThrowingTaskGroup(of: UserLikesLine?.self) { group in
            var iterator = pending.makeIterator()
            func addNext() -> Bool {
                guard let user = iterator.next() else { return false }
                group.addTask {
                    do {
                        var liked: [String] = []
                        var url: String? = client.likedByURL(username: user.username)
                        var pagesRead = 0
                        while let current = url {
                            let page = try await client.modelList(url: current)
                            liked += page.results.map(\.uid).filter { crawled.contains($0) }
                            url = page.next
                            pagesRead += 1
                            if pagesRead > 100_000 { throw CrawlError("\(current): more than 100,000 pages of likes; stopping") }
                        }
                        let line = UserLikesLine(uid: user.uid, liked: liked)
                        try userLikesJournal.append(line)
                        return line
                    } catch let error as CancellationError {
                        throw error
                    } catch let error as SketchfabError where error.isNotFound {
                        // A user gone since they were listed: no likes to read.
                        let line = UserLikesLine(uid: user.uid, liked: [])
                        try userLikesJournal.append(line)
                        return line
                    } catch {
                        try? failuresJournal.append(["user": user.username, "problem": "\(error)"])
                        await failures.add("user \(user.username): \(error)")
                        progress("failed: user \(user.username): \(error)")
                        return nil
                    }
                }
                return true
            }
            for _ in 0..<options.concurrency { if !addNext() { break } }
            var read = 0
            while let line = try await group.next() {
                if let line { finished[line.uid] = line; read += 1 }
                if read % 200 == 0 { progress("likes by user: \(finished.count)/\(users.count) users read") }
                _ = addNext()
            }
        }
        userLikesJournal.sync()
        let failed = await failures.items
        guard failed.isEmpty else {
            throw CrawlError("the likes of \(failed.count) users could not be read (first: \(failed[0])); run the same command again to retry them")
        }

        // Invert into each model's likers, and write the lines the output stage reads.
        var likers: [String: [String]] = [:]
        for line in finished.values { for uid in line.liked { likers[uid, default: []].append(line.uid) } }
        for model in models where !alreadyDone.contains(model.uid) {
            var deleted: Bool?
            if likers[model.uid, default: []].isEmpty {
                do { _ = try await client.model(uid: model.uid) } catch let error as SketchfabError where error.isNotFound { deleted = true }
            }
            try likesJournal.append(LikesLine(uid: model.uid, users: likers[model.uid, default: []], deleted: deleted))
        }
        likesJournal.sync()
        return pending.count
    }
}

actor FailureList {
    var items: [String] = []
    func add(_ item: String) { items.append(item) }
}
