import type { HookRow } from './types.ts';

const WI = 'android.net.wifi.WifiInfo';
const WM = 'android.net.wifi.WifiManager';
const BT = 'android.bluetooth.BluetoothAdapter';
const WI_REF = 'https://developer.android.com/reference/android/net/wifi/WifiInfo';
const WM_REF = 'https://developer.android.com/reference/android/net/wifi/WifiManager';
const BT_REF = 'https://developer.android.com/reference/android/bluetooth/BluetoothAdapter';

/** Network hardware addresses and names: Wi-Fi, interfaces, Bluetooth. */
export const NETWORK: HookRow[] = [
  {
    class: WI,
    method: 'getMacAddress',
    category: 'network-id',
    data: ['wifiMac'],
    ret: 'string',
    source: `${WI_REF}#getMacAddress()`,
  },
  {
    class: WI,
    method: 'getSSID',
    category: 'network-id',
    data: ['ssid'],
    ret: 'string',
    source: `${WI_REF}#getSSID()`,
  },
  {
    class: WI,
    method: 'getBSSID',
    category: 'network-id',
    data: ['bssid'],
    ret: 'string',
    source: `${WI_REF}#getBSSID()`,
  },
  {
    class: WI,
    method: 'getIpAddress',
    category: 'network-id',
    data: ['ipAddress'],
    ret: 'value',
    source: `${WI_REF}#getIpAddress()`,
  },
  {
    class: WM,
    method: 'getConnectionInfo',
    category: 'network-id',
    data: ['wifiMac', 'ssid', 'bssid'],
    ret: 'wifiInfo',
    source: `${WM_REF}#getConnectionInfo()`,
  },
  {
    class: WM,
    method: 'getScanResults',
    category: 'network-id',
    data: ['wifiScan'],
    ret: 'list',
    source: `${WM_REF}#getScanResults()`,
  },
  {
    class: WM,
    method: 'getDhcpInfo',
    category: 'network-id',
    data: ['ipAddress'],
    ret: 'value',
    source: `${WM_REF}#getDhcpInfo()`,
  },
  {
    class: 'java.net.NetworkInterface',
    method: 'getHardwareAddress',
    category: 'network-id',
    data: ['wifiMac'],
    ret: 'bytes',
    source: 'https://developer.android.com/reference/java/net/NetworkInterface#getHardwareAddress()',
  },
  {
    class: BT,
    method: 'getAddress',
    category: 'network-id',
    data: ['bluetoothMac'],
    ret: 'string',
    source: `${BT_REF}#getAddress()`,
  },
  {
    class: BT,
    method: 'getName',
    category: 'device-id',
    data: ['deviceName'],
    ret: 'string',
    source: `${BT_REF}#getName()`,
  },
  {
    class: BT,
    method: 'getBondedDevices',
    category: 'network-id',
    data: ['bluetoothDevices'],
    ret: 'list',
    source: `${BT_REF}#getBondedDevices()`,
  },
];
