import type { HookRow } from './types.ts';

const REF = 'https://developer.android.com/reference/';

/** Camera, microphone, screen capture and speech recognition. */
export const MEDIA: HookRow[] = [
  {
    class: 'android.hardware.Camera',
    method: 'open',
    category: 'camera',
    data: ['camera'],
    source: `${REF}android/hardware/Camera#open(int)`,
  },
  {
    class: 'android.hardware.camera2.CameraManager',
    method: 'openCamera',
    category: 'camera',
    data: ['camera'],
    args: ['string', 'value', 'value'],
    source: `${REF}android/hardware/camera2/CameraManager#openCamera(java.lang.String,%20android.hardware.camera2.CameraDevice.StateCallback,%20android.os.Handler)`,
  },
  {
    class: 'android.media.MediaRecorder',
    method: 'start',
    category: 'microphone',
    data: ['microphone'],
    source: `${REF}android/media/MediaRecorder#start()`,
  },
  {
    class: 'android.media.AudioRecord',
    method: 'startRecording',
    category: 'microphone',
    data: ['microphone'],
    source: `${REF}android/media/AudioRecord#startRecording()`,
  },
  {
    class: 'android.media.projection.MediaProjectionManager',
    method: 'getMediaProjection',
    category: 'screen-capture',
    data: ['screen'],
    args: ['value', 'none'],
    source: `${REF}android/media/projection/MediaProjectionManager#getMediaProjection(int,%20android.content.Intent)`,
  },
  {
    class: 'android.speech.SpeechRecognizer',
    method: 'startListening',
    category: 'speech',
    data: ['speech', 'microphone'],
    args: 'intent',
    source: `${REF}android/speech/SpeechRecognizer#startListening(android.content.Intent)`,
  },
];
