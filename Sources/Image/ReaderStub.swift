// TEMPORARY: replaced by the reader branch (ImageReader.open, ImageReference(parsing:)).
extension ImageReference {
    public init(parsing s: String) throws(ImageError) {
        throw ImageError(.unsupported, "--image is not built yet: \(s)")
    }
}

public enum ImageReader {
    public static func open(_ ref: ImageReference, platform: ImagePlatform?) throws(ImageError) -> OpenedImage {
        throw ImageError(.unsupported, "--image is not built yet: \(ref.text)")
    }
}
