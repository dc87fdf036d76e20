/**
 * The device camera. Frames are read from a `<video>` element; nothing is
 * recorded or sent anywhere.
 */
export async function openCamera(video: HTMLVideoElement): Promise<MediaStream> {
  if (navigator.mediaDevices?.getUserMedia === undefined) {
    // Browsers hide the camera API on plain-http pages other than localhost.
    throw Object.assign(new Error('The camera API is not available on this page.'), { name: 'SecurityError' });
  }
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
    audio: false,
  });
  try {
    video.srcObject = stream;
    await video.play();
  } catch (error) {
    closeCamera(video, stream);
    throw error;
  }
  return stream;
}

export function closeCamera(video: HTMLVideoElement, stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
  video.srcObject = null;
}
